package red.sessions.vyoma.files;

import java.time.OffsetDateTime;

/** A file issued to a user for upload: its key, its (safe) name and type, and when it was issued. */
public record UploadedFile(String key, String fileName, String contentType, OffsetDateTime issuedAt) {
}
