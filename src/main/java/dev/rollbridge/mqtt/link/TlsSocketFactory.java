package dev.rollbridge.mqtt.link;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS sockets for Paho built from PEM files (what Mosquitto and every broker guide hand out), with
 * TCP_NODELAY like the plain ones. Paho itself turns on hostname verification and SNI.
 */
public final class TlsSocketFactory extends SSLSocketFactory {

    /** A TLS file that cannot be used: which one and why. */
    public static final class TlsFileException extends Exception {
        private final Path file;

        TlsFileException(Path file, String reason) {
            super(reason);
            this.file = file;
        }

        public Path file() {
            return file;
        }
    }

    private static final Pattern PEM_BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

    private final SSLSocketFactory delegate;

    private TlsSocketFactory(SSLSocketFactory delegate) {
        this.delegate = delegate;
    }

    /** Reads and checks the files now, so a bad one is reported at start-up and not at first connect. */
    public static TlsSocketFactory create(TlsSettings tls) throws TlsFileException {
        try {
            TrustManagerFactory trust = null;
            if (tls.caFile().isPresent()) {
                Path caFile = tls.caFile().get();
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                List<X509Certificate> cas = certificates(caFile);
                for (int i = 0; i < cas.size(); i++) {
                    store.setCertificateEntry("ca-" + i, cas.get(i));
                }
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
            }
            KeyManagerFactory keys = null;
            if (tls.certFile().isPresent()) {
                List<X509Certificate> chain = certificates(tls.certFile().get());
                PrivateKey key = privateKey(tls.keyFile().orElseThrow());
                checkPair(chain.get(0), key, tls.keyFile().get());
                char[] none = new char[0];
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("client", key, none, chain.toArray(new Certificate[0]));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, none);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), new SecureRandom());
            return new TlsSocketFactory(context.getSocketFactory());
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsFileException(tls.certFile().or(tls::caFile).orElse(Path.of("(none)")), "cannot be used to set up TLS: " + e.getMessage());
        }
    }

    /** The certificates in a PEM file (one or a chain). */
    public static List<X509Certificate> certificates(Path file) throws TlsFileException {
        byte[] bytes = read(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            throw new TlsFileException(file, "holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----"
                    + (text.contains("PRIVATE KEY-----") ? "; this is a private key" : "; for DER use 'openssl x509 -inform der -in FILE'")
                    + ")");
        }
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new TlsFileException(file, "holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)");
            }
            return out;
        } catch (CertificateException e) {
            throw new TlsFileException(file, "is not a PEM certificate (-----BEGIN CERTIFICATE-----): " + e.getMessage());
        }
    }

    /** The private key in a PEM file: PKCS#8, or PKCS#1 RSA as older OpenSSL writes it. */
    public static PrivateKey privateKey(Path file) throws TlsFileException {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        Matcher m = PEM_BLOCK.matcher(text);
        while (m.find()) {
            String kind = m.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2).strip());
            } catch (IllegalArgumentException e) {
                throw new TlsFileException(file, "has a damaged " + kind + " block (bad base64)");
            }
            switch (kind) {
                case "PRIVATE KEY":
                    return pkcs8(file, der);
                case "RSA PRIVATE KEY":
                    return pkcs8(file, wrapPkcs1Rsa(der));
                case "ENCRYPTED PRIVATE KEY":
                    throw new TlsFileException(file, "holds an encrypted key; store it unencrypted with "
                            + "'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8' and keep that file mode 0600");
                case "EC PRIVATE KEY":
                    throw new TlsFileException(file, "holds an EC key in SEC1 form; convert it with "
                            + "'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'");
                default:
                    // Certificates or parameters may sit in the same file: keep looking.
            }
        }
        throw new TlsFileException(file, "holds no private key (expected PEM: -----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws TlsFileException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | NoSuchAlgorithmException tryNext) {
                // The DER names its algorithm; KeyFactory only tells us by refusing the others.
            }
        }
        throw new TlsFileException(file, "holds a private key of a kind Java cannot read (RSA, EC and Ed25519 are supported)");
    }

    /** PKCS#1 "RSA PRIVATE KEY" (older OpenSSL) inside a PKCS#8 envelope Java can read. */
    private static byte[] wrapPkcs1Rsa(byte[] pkcs1) {
        byte[] rsaAlgorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(version);
        body.writeBytes(rsaAlgorithm);
        body.writeBytes(derHeader(0x04, pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(derHeader(0x30, body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] derHeader(int tag, int length) {
        if (length < 0x80) {
            return new byte[]{(byte) tag, (byte) length};
        }
        int bytes = length > 0xFFFF ? 3 : length > 0xFF ? 2 : 1;
        byte[] h = new byte[2 + bytes];
        h[0] = (byte) tag;
        h[1] = (byte) (0x80 | bytes);
        for (int i = 0; i < bytes; i++) {
            h[2 + i] = (byte) (length >>> (8 * (bytes - 1 - i)));
        }
        return h;
    }

    /** A key from another certificate would only fail deep inside the handshake: say so now. */
    private static void checkPair(X509Certificate cert, PrivateKey key, Path keyFile) throws TlsFileException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = "rollbridge".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new TlsFileException(keyFile, "is not the key of the client certificate");
            }
        } catch (GeneralSecurityException e) {
            throw new TlsFileException(keyFile, "is not the key of the client certificate (" + e.getMessage() + ")");
        }
    }

    private static byte[] read(Path file) throws TlsFileException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsFileException(file, "does not exist");
        } catch (IOException e) {
            throw new TlsFileException(file, "cannot be read: " + e.getMessage());
        }
    }

    @Override
    public Socket createSocket() throws IOException {
        return noDelay(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return noDelay(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return noDelay(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return noDelay(delegate.createSocket(address, port, localAddress, localPort));
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    private static Socket noDelay(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        return s;
    }
}
