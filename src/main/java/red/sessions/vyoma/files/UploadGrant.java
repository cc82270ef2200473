package red.sessions.vyoma.files;

import java.time.Instant;

/**
 * What a client needs to upload a file: the URL to {@code PUT} the bytes to, with exactly this content type,
 * before {@code expiresAt}, and the URL the file is then known by.
 */
public record UploadGrant(String uploadUrl, String fileUrl, String contentType, Instant expiresAt) {
}
