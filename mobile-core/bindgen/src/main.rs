//! The bindings generator, pinned to the same uniffi version as the library it reads.
//! `mobile-core/scripts/bindings.sh` runs it in library mode.

fn main() {
    uniffi::uniffi_bindgen_main()
}
