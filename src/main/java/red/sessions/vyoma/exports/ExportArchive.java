package red.sessions.vyoma.exports;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The ZIP of an export, written to a local file entry by entry as the bytes come: each entry's SHA-256 and size are
 * computed while it is written (nothing is read back or held whole), and {@code manifest.json} lists them last.
 * Blocking I/O: for a worker thread.
 */
final class ExportArchive implements Closeable {

  /** What writes an entry's bytes to the stream it is given (which it must not close). */
  interface Body {
    void write(OutputStream out) throws IOException;
  }

  private final ZipOutputStream zip;
  private final JsonArray manifest = new JsonArray();

  ExportArchive(Path file) throws IOException {
    this.zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(file)));
  }

  void entry(String name, Body body) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    MessageDigest sha256 = sha256();
    Counted counted = new Counted(zip);
    OutputStream out = new DigestOutputStream(counted, sha256);
    body.write(out);
    out.flush();
    zip.closeEntry();
    manifest.add(new JsonObject().put("name", name).put("size_bytes", counted.count)
      .put("sha256", HexFormat.of().formatHex(sha256.digest())));
  }

  /** Writes {@code manifest.json}: what the export is ({@code about}), and every entry before it with its hash. */
  void finish(JsonObject about) throws IOException {
    zip.putNextEntry(new ZipEntry("manifest.json"));
    zip.write(about.copy().put("entries", manifest).encodePrettily().getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
    zip.finish();
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /** Counts the bytes written through to the entry, and leaves the ZIP open when closed. */
  private static final class Counted extends FilterOutputStream {

    private long count;

    Counted(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
      count += length;
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
