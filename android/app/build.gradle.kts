plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

// The Rust core: one libhealthbook_core.so per ABI and its Kotlin bindings, generated into
// build/ by mobile-core/scripts/build-android.sh before every build (cargo makes it a no-op
// when nothing changed). Nothing generated is committed.
val repositoryRoot = rootProject.layout.projectDirectory.dir("..")
val coreOutput = layout.buildDirectory.dir("generated/healthbook-core")
val coreProfile = providers.gradleProperty("healthbook.coreProfile").orElse("release")

val buildCore by tasks.registering(Exec::class) {
    description = "Builds the HealthBook core for every Android ABI and generates its Kotlin bindings."
    workingDir = repositoryRoot.asFile
    commandLine(
        "bash", "mobile-core/scripts/build-android.sh",
        coreOutput.get().asFile.absolutePath, coreProfile.get(),
    )
    inputs.dir(repositoryRoot.dir("mobile-core/src"))
    inputs.dir(repositoryRoot.dir("domain/src"))
    inputs.file(repositoryRoot.file("mobile-core/uniffi.toml"))
    outputs.dir(coreOutput)
}

// The trust-list signing key the app pins (PEM certificate or the signing-key JSON). Builds
// name the deployment's with -Phealthbook.trustListKey=path; without it, debug builds take
// the key a local `healthbook serve` generated in var/keys/ and release builds pin nothing
// (their certificates screen says so). See docs/mobile.md.
val shippedTrustListKey: String = providers.gradleProperty("healthbook.trustListKey").orNull
    ?.let { file(it).readText() }
    ?: ""
val localTrustListKey: String = repositoryRoot.dir("var/keys").asFile
    .listFiles { f -> f.name.startsWith("trust-list-") && f.name.endsWith(".crt.pem") }
    ?.firstOrNull()?.readText()
    ?: ""

fun String.asJavaString() = "\"" + replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\""

android {
    namespace = "vn.healthbook.app"
    compileSdk = 35

    defaultConfig {
        applicationId = "vn.healthbook.app"
        // Passkeys through Credential Manager need API 28.
        minSdk = 28
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        // The API the app talks to; debug builds reach a server on the developer's machine
        // on the device's own loopback, forwarded with `adb reverse tcp:8080 tcp:8080` (the
        // core refuses plain http to any other address).
        buildConfigField("String", "API_BASE_URL", "\"https://api.healthbook.gov.vn\"")
        buildConfigField("String", "TRUST_LIST_KEY", shippedTrustListKey.asJavaString())
    }

    buildTypes {
        debug {
            buildConfigField("String", "API_BASE_URL", "\"http://127.0.0.1:8080\"")
            buildConfigField("String", "TRUST_LIST_KEY", shippedTrustListKey.ifBlank { localTrustListKey }.asJavaString())
        }
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions {
        jvmTarget = "17"
    }
    buildFeatures {
        compose = true
        buildConfig = true
    }

    sourceSets {
        getByName("main") {
            java.srcDir(coreOutput.map { it.dir("kotlin") })
            jniLibs.srcDir(coreOutput.map { it.dir("jniLibs") })
        }
    }
}

tasks.named("preBuild") { dependsOn(buildCore) }

dependencies {
    implementation(platform(libs.androidx.compose.bom))
    implementation(libs.androidx.compose.ui)
    implementation(libs.androidx.compose.ui.tooling.preview)
    implementation(libs.androidx.compose.material3)
    implementation(libs.androidx.compose.material.icons)
    implementation(libs.androidx.activity.compose)
    implementation(libs.androidx.lifecycle.viewmodel.compose)
    implementation(libs.androidx.lifecycle.runtime.compose)
    implementation(libs.androidx.navigation.compose)
    implementation(libs.androidx.credentials)
    implementation(libs.androidx.credentials.play.services)
    // The QR scanner behind platform/QrScanner.kt (Play services draws the camera screen).
    implementation(libs.play.services.code.scanner)
    implementation(libs.kotlinx.coroutines.android)
    // The generated bindings call the core through JNA; the AAR carries its native part.
    implementation("net.java.dev.jna:jna:${libs.versions.jna.get()}@aar")
    debugImplementation(libs.androidx.compose.ui.tooling)
}
