package dev.rollbridge.cli;

import dev.rollbridge.testing.ConsoleCapture;
import dev.rollbridge.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class CheckConfigCommandTest {
    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @TempDir
    Path dir;

    @Test
    void aValidFileIsShownAsTheDaemonWouldRunItWithTheSecretsHidden() throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "hunter2-secret\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r--r--"));
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "mqtt:\n  broker: ssl://broker.lan\n  username: ann\n  password_file: pw\n  client_id: pi-bridge\n");

        assertThat(Main.execute("check-config", file.toString())).isZero();
        String out = console.stdout();
        assertThat(out).contains("warning: " + pw + " is readable by every user of this machine")
                .contains(file + ": valid.")
                .contains("broker: ssl://broker.lan:8883")
                .contains("login: username and password from file " + pw)
                .contains("verify_hostname: true")
                .doesNotContain("hunter2-secret");
    }

    @Test
    void anInvalidFileListsEveryProblemAndExitsWithOne() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "mqtt:\n  keepalive_s: -1\nuser: [a]\ndevicez: []\n");
        assertThat(Main.execute("check-config", file.toString())).isEqualTo(1);
        assertThat(console.stdout()).contains(file + ": 3 problems")
                .contains("  mqtt.keepalive_s = -1: out of range: allowed 1 to 3600")
                .contains("  user = (a list of 1): expected text")
                .contains("  devicez = []: unknown key").contains("did you mean 'devices'?")
                .contains("would refuse to start");
    }

    @Test
    void theDaemonRefusesToStartOnAnInvalidFileAndSaysHowToCheckIt() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "dashboard: {port: many}\n");
        assertThat(Main.execute("run", "--config", file.toString(), "--data-dir", dir.resolve("data").toString())).isEqualTo(2);
        assertThat(console.stderr()).contains("dashboard.port = many: expected a whole number from -1 to 65535")
                .contains("Nothing was started").contains("rollbridge check-config " + file);
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void tlsFilesAreReadAndCheckedBeforeAnyConnection() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        Path file = dir.resolve("tls.yaml");
        Files.writeString(file, String.join("\n",
                "mqtt:",
                "  broker: ssl://127.0.0.1:8883",
                "  tls: {ca_file: pki/ca.crt, cert_file: pki/client.crt, key_file: pki/server.key}",
                ""));
        assertThat(Main.execute("check-config", file.toString())).isEqualTo(1);
        assertThat(console.stdout()).contains("mqtt.tls.key_file = pki/server.key: is not the key of the client certificate");

        console.resetStdout();
        Files.writeString(file, String.join("\n",
                "mqtt:",
                "  broker: ssl://127.0.0.1:8883",
                "  tls: {ca_file: pki/client.key, cert_file: pki/client.crt}",
                ""));
        assertThat(Main.execute("check-config", file.toString())).isEqualTo(1);
        assertThat(console.stdout()).contains("mqtt.tls.ca_file = pki/client.key: holds no certificate")
                .contains("mqtt.tls.key_file: cert_file and key_file go together");

        console.resetStdout();
        Files.writeString(file, String.join("\n",
                "mqtt:",
                "  broker: ssl://127.0.0.1:8883",
                "  tls: {ca_file: pki/ca.crt, cert_file: pki/client.crt, key_file: pki/client-pkcs1.key, verify_hostname: false}",
                ""));
        assertThat(Main.execute("check-config", file.toString())).isZero();
        assertThat(console.stdout()).contains("warning: mqtt.tls.verify_hostname is false");
    }
}
