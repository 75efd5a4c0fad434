package dev.rollbridge.profile;

/** A profile that cannot be used, with the file, the field path and the reason. */
public class ProfileException extends RuntimeException {
    private final String file;
    private final String field;
    private final String reason;

    public ProfileException(String file, String field, String reason) {
        super(file + ": " + (field.isEmpty() ? "" : field + ": ") + reason);
        this.file = file;
        this.field = field;
        this.reason = reason;
    }

    /** What is wrong, without the file and field. */
    public String reason() {
        return reason;
    }

    public String file() {
        return file;
    }

    public String field() {
        return field;
    }
}
