package red.sessions.vyoma.files;

import java.time.Instant;
import java.util.Map;

/**
 * What a client needs to upload a file: the URL to {@code PUT} the bytes to, with exactly these headers (the
 * content type, and on S3 the condition that makes the URL single-use), before {@code expiresAt}, and the URL
 * the file is then known by.
 */
public record UploadGrant(String uploadUrl, String fileUrl, Map<String, String> headers, Instant expiresAt) {
}
