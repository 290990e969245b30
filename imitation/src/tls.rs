//! The test CA and per-host leaf certificates.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

use crate::lock;

pub struct Ca {
    cert: rcgen::Certificate,
    key: KeyPair,
}

impl Ca {
    pub fn new() -> Ca {
        let key = KeyPair::generate().expect("CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params
            .distinguished_name
            .push(DnType::CommonName, "tikdl test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let cert = params.self_signed(&key).expect("self-sign the CA");
        Ca { cert, key }
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    fn leaf(&self, host: &str) -> Result<CertifiedKey, anyhow::Error> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(vec![host.to_string()])?;
        params.distinguished_name.push(DnType::CommonName, host);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let cert = params.signed_by(&key, &self.cert, &self.key)?;
        let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let signing = rustls::crypto::ring::sign::any_supported_type(&der)?;
        Ok(CertifiedKey::new(
            vec![CertificateDer::from(cert.der().to_vec())],
            signing,
        ))
    }
}

/// Hands out (and caches) a leaf for whatever host the client names in SNI.
pub struct Resolver {
    ca: Ca,
    cache: Mutex<HashMap<String, Arc<CertifiedKey>>>,
}

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Resolver")
    }
}

impl ResolvesServerCert for Resolver {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        // No SNI (e.g. a client dialing the IP): the main page host is the most useful answer.
        let host = hello
            .server_name()
            .unwrap_or("www.tiktok.com")
            .to_ascii_lowercase();
        if let Some(k) = lock(&self.cache).get(&host) {
            return Some(k.clone());
        }
        // Made outside the lock; a race only makes a spare certificate. `wrongcert.*` gets a
        // leaf for another name (a trusted CA, the wrong host), for clients' error messages.
        let name = if host.starts_with("wrongcert.") {
            "another-host.example"
        } else {
            host.as_str()
        };
        let key = Arc::new(self.ca.leaf(name).ok()?);
        lock(&self.cache).insert(host, key.clone());
        Some(key)
    }
}

pub fn server_config(ca: Ca) -> Arc<rustls::ServerConfig> {
    // An explicit provider: the process may have several rustls providers compiled in (the tool's
    // own dependencies), and then the implicit default would panic.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(Resolver {
            ca,
            cache: Mutex::default(),
        }));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}
