package dev.rollbridge.login;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stored login secret: a salted SHA-256, written as {@code sha256$SALT$HASH} (base64, no
 * padding). The configuration holds only this, never the secret: a copied or pasted
 * configuration does not give the login away.
 *
 * <p>Why not a slow hash (PBKDF2, bcrypt): every secret stored here is made by rollbridge, 20
 * random characters of a 31-letter alphabet (99 bits), like an API token. Nobody guesses 2^99,
 * online or offline, however fast the hash; a slow one would only let every wrong guess from the
 * LAN cost the Pi a tenth of a second of CPU, and make throttling (which can lock the owner out)
 * necessary to protect it.
 */
public final class PasswordHash {
    /** Lower case letters and digits without 0/o, 1/l/i: read from a screen and typed on a phone. */
    private static final char[] ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789".toCharArray();
    private static final Pattern FORMAT = Pattern.compile("sha256\\$([A-Za-z0-9+/]{22})\\$([A-Za-z0-9+/]{43})");
    private static final int MAX_PASSWORD_CHARS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(byte[] salt, byte[] hash) {
        this.salt = salt;
        this.hash = hash;
    }

    /** The hash of {@code password} with a fresh salt. */
    public static PasswordHash of(char[] password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return new PasswordHash(salt, digest(password, salt));
    }

    /** Parses a stored hash; empty when it is not one (the message is the caller's: it knows the key). */
    public static Optional<PasswordHash> parse(String stored) {
        Matcher m = FORMAT.matcher(stored == null ? "" : stored.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        Base64.Decoder b64 = Base64.getDecoder();
        return Optional.of(new PasswordHash(b64.decode(m.group(1)), b64.decode(m.group(2))));
    }

    /** What to store. */
    public String encoded() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "sha256$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /** Whether {@code password} is the one; in time that does not depend on how much of it is right. */
    public boolean matches(char[] password) {
        if (password == null || password.length == 0 || password.length > MAX_PASSWORD_CHARS) {
            return false;
        }
        return MessageDigest.isEqual(hash, digest(password, salt));
    }

    /** A new password: five groups of four, e.g. {@code k7mq-x9pw-…}, 99 bits. */
    public static char[] newPassword() {
        char[] out = new char[24];
        int at = 0;
        for (int group = 0; group < 5; group++) {
            if (group > 0) {
                out[at++] = '-';
            }
            for (int i = 0; i < 4; i++) {
                out[at++] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
            }
        }
        return Arrays.copyOf(out, at);
    }

    private static byte[] digest(char[] password, byte[] salt) {
        ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            sha.update(utf8);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        } finally {
            if (utf8.hasArray()) {
                Arrays.fill(utf8.array(), (byte) 0);
            }
        }
    }

    /** Never the hash itself: a log line does not need it. */
    @Override
    public String toString() {
        return "PasswordHash[sha256]";
    }
}
