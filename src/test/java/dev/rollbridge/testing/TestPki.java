package dev.rollbridge.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for TLS tests, made by the {@code openssl} command (Debian's, as a broker admin
 * would): a CA; a server certificate for 127.0.0.1/localhost and one for another host name, both
 * signed by it; a client certificate (RSA, also in the older PKCS#1 form); and an unrelated CA.
 */
public final class TestPki {
    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    public static TestPki create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        TestPki pki = new TestPki(dir);
        pki.ca("ca", "rollbridge test CA");
        pki.ca("rogue-ca", "someone else's CA");
        pki.signed("server", "ec", "127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        pki.signed("other-host", "ec", "elsewhere.example", "subjectAltName=DNS:elsewhere.example");
        pki.signed("client", "rsa", "rollbridge", "extendedKeyUsage=clientAuth");
        pki.openssl("rsa", "-in", "client.key", "-traditional", "-out", "client-pkcs1.key");
        return pki;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    private void ca(String name, String cn) throws IOException, InterruptedException {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".crt", "-days", "2", "-subj", "/CN=" + cn,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private void signed(String name, String keyType, String cn, String extensions) throws IOException, InterruptedException {
        List<String> key = keyType.equals("rsa") ? List.of("-newkey", "rsa:2048")
                : List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1");
        List<String> req = new ArrayList<>(List.of("req"));
        req.addAll(key);
        req.addAll(List.of("-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn));
        openssl(req.toArray(String[]::new));
        Files.writeString(dir.resolve(name + ".ext"), extensions + "\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed; see " + dir.resolve("openssl.log"));
        }
    }
}
