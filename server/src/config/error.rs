//! Why a configuration was refused; its own module so that the capabilities' option
//! types (certificates) can report through it without depending on the whole `Config`.

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid configuration file {path}: {message}")]
    Parse { path: String, message: String },
    #[error("invalid value for {option}: {message}")]
    Invalid {
        option: &'static str,
        message: String,
    },
}
