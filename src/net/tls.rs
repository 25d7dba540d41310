//! Secure connections: one TLS set-up for the whole process, whose certificate check is the
//! platform's own, built on the first secure handshake so that plain-http lists never wait
//! for the system's trusted certificates to be read.

use std::sync::{Arc, OnceLock};

use crate::error::DownloadError;

/// The process's one TLS set-up: the system's trusted roots through the platform verifier
/// (as reqwest's own rustls default), TLS 1.2 and 1.3. It offers the server HTTP/2 (ALPN
/// `h2`) beside HTTP/1.1 when `http2`, else HTTP/1.1 only. Built once, cloned per client
/// (the clone shares the verifier).
pub(crate) fn tls_config(http2: bool) -> Result<rustls::ClientConfig, DownloadError> {
    let mut tls = tls_setup().clone().map_err(|err| DownloadError::NoTls {
        reason: err.clone(),
    })?;
    tls.alpn_protocols = if http2 {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    Ok(tls)
}

/// Reads the system's trusted certificates on a background thread (`downpour-tls`), so that
/// the first secure connection does not wait for those milliseconds of parsing. Optional:
/// without it, the first certificate check does the work; plain http never needs it.
pub fn prepare_tls() {
    let started = std::thread::Builder::new()
        .name("downpour-tls".into())
        .spawn(|| {
            // Only warms the cache: its result is read again where it is needed.
            platform_verifier().is_ok()
        });
    crate::diag::check("starting the thread that reads certificates", started);
}

/// The shared TLS set-up, built on first use. It reads no certificate: see [`LazyVerifier`].
fn tls_setup() -> &'static Result<rustls::ClientConfig, String> {
    static TLS: OnceLock<Result<rustls::ClientConfig, String>> = OnceLock::new();
    TLS.get_or_init(|| {
        let provider = Arc::clone(crypto_provider());
        let verifier = LazyVerifier {
            provider: Arc::clone(&provider),
        };
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|err| err.to_string())?
            .dangerous() // Not dangerous: the platform's own certificate check, see LazyVerifier.
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        Ok(tls)
    })
}

/// The process's cryptography (aws-lc-rs).
fn crypto_provider() -> &'static Arc<rustls::crypto::CryptoProvider> {
    static PROVIDER: OnceLock<Arc<rustls::crypto::CryptoProvider>> = OnceLock::new();
    PROVIDER.get_or_init(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
}

/// The platform's certificate verifier with the system's trusted roots, read once, on first
/// use (or ahead of it by [`prepare_tls`]).
fn platform_verifier() -> Result<&'static rustls_platform_verifier::Verifier, rustls::Error> {
    static VERIFIER: OnceLock<Result<rustls_platform_verifier::Verifier, String>> = OnceLock::new();
    VERIFIER
        .get_or_init(|| {
            rustls_platform_verifier::Verifier::new(Arc::clone(crypto_provider()))
                .map_err(|err| err.to_string())
        })
        .as_ref()
        .map_err(|err| rustls::Error::General(format!("{NO_TRUSTED_ROOTS}: {err}")))
}

/// How a certificate check that could not read the trusted roots fails (recognised by
/// [`super::classify`]).
pub(crate) const NO_TRUSTED_ROOTS: &str = "no trusted certificates";

/// The platform's certificate check, built on the first secure handshake instead of with the
/// client: reading and parsing the system's trusted certificates takes milliseconds (17 M
/// instructions in callgrind), which a list of plain http links would otherwise wait for
/// before its first request. The handshake's signature checks need no roots and use the same
/// algorithms as the platform verifier.
#[derive(Debug)]
struct LazyVerifier {
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl rustls::client::danger::ServerCertVerifier for LazyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp_response: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        platform_verifier()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
