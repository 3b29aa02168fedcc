package dev.hearth.sigv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TestCredentialsFile {

    @Test
    void loadsEveryProfilesKeyPairFromARealFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("credentials");
        Files.writeString(file, """
                # Hearth test credentials
                [default]
                aws_access_key_id = AKIADEFAULT000000001
                aws_secret_access_key = defaultSecret/+=

                ; a comment in the other style
                  [ ci ]
                aws_access_key_id=AKIACI00000000000002
                  aws_secret_access_key   =   ciSecret
                aws_session_token = ignored
                region = eu-west-1

                [profile named]\r
                aws_access_key_id = AKIANAMED00000000003\r
                aws_secret_access_key = namedSecret\r

                [only-region]
                region = us-east-2
                """);

        CredentialsFile credentials = CredentialsFile.load(file);

        assertThat(credentials.size()).isEqualTo(3);
        assertThat(credentials.find("AKIADEFAULT000000001"))
                .contains(new AccessKey("AKIADEFAULT000000001", "defaultSecret/+=", "default"));
        assertThat(credentials.find("AKIACI00000000000002")).contains(new AccessKey("AKIACI00000000000002", "ciSecret", "ci"));
        assertThat(credentials.find("AKIANAMED00000000003")).contains(new AccessKey("AKIANAMED00000000003", "namedSecret", "named"));
        assertThat(credentials.find("AKIAUNKNOWN")).isEmpty();
        assertThat(credentials.keys()).extracting(AccessKey::owner).containsExactlyInAnyOrder("default", "ci", "named");
    }

    @Test
    void anEmptyFileHasNoKeys() {
        assertThat(CredentialsFile.parse("\n# nothing here\n", "empty").keys()).isEmpty();
    }

    @Test
    void malformedLineIsNamedWithoutEchoingSecrets() {
        String content = """
                [default]
                aws_access_key_id = AKIADEFAULT000000001
                aws_secret_access_key: colonSecretValue
                """;

        assertThatThrownBy(() -> CredentialsFile.parse(content, "/home/me/.aws/credentials"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Malformed AWS credentials file /home/me/.aws/credentials, line 3: ")
                .hasMessageNotContaining("colonSecretValue");
    }

    @Test
    void keyBeforeAnySectionIsMalformed() {
        assertThatThrownBy(() -> CredentialsFile.parse("# header\naws_access_key_id = AKIA1\n[default]\n", "creds"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Malformed AWS credentials file creds, line 2: 'aws_access_key_id' appears before any [section]");
    }

    @Test
    void unclosedSectionIsMalformed() {
        assertThatThrownBy(() -> CredentialsFile.parse("[default\naws_access_key_id = AKIA1\n", "creds"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1: a section header must look like [profile-name]");
    }

    @Test
    void halfAKeyPairIsMalformed() {
        assertThatThrownBy(() -> CredentialsFile.parse("[a]\n[b]\naws_access_key_id = AKIA1\n", "creds"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Malformed AWS credentials file creds, line 2: profile [b] has no aws_secret_access_key");
    }

    @Test
    void oneKeyIdWithTwoSecretsIsMalformed() {
        String content = "[a]\naws_access_key_id = AKIA1\naws_secret_access_key = s1\n"
                + "[b]\naws_access_key_id = AKIA1\naws_secret_access_key = s2\n";

        assertThatThrownBy(() -> CredentialsFile.parse(content, "creds"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 5: access key id AKIA1 of profile [b] already belongs to profile [a]")
                .hasMessageNotContaining("s2");
    }

    @Test
    void missingFileFailsLoudly(@TempDir Path dir) {
        assertThatThrownBy(() -> CredentialsFile.load(dir.resolve("absent"))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void accessKeyToStringHidesTheSecret() {
        assertThat(new AccessKey("AKIA1", "topSecret", "p").toString()).doesNotContain("topSecret").contains("AKIA1");
    }
}
