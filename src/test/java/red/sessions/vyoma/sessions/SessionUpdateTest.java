package red.sessions.vyoma.sessions;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import red.sessions.vyoma.api.SessionBodies;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.support.Samples;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SessionUpdateTest {

  private static final String BASE = "http://localhost:8080/files/";
  private static final String URL = BASE + "uploads/sam/1b4e28ba-2fa1-11d2-883f-0016d3cca427/notes.pdf";

  private static SessionUpdate parse(JsonObject body) {
    return SessionBodies.update(body);
  }

  private static JsonObject note(String text) {
    return new JsonObject().put("text", text);
  }

  private static JsonObject file(String name, String url) {
    return new JsonObject().put("name", name).put("url", url);
  }

  private static JsonObject notes(JsonObject... notes) {
    return new JsonObject().put("notes", new JsonArray(List.of((Object[]) notes)));
  }

  private static JsonObject files(JsonObject... files) {
    return new JsonObject().put("files", new JsonArray(List.of((Object[]) files)));
  }

  private static JsonObject[] append(JsonObject[] items, JsonObject item) {
    JsonObject[] longer = Arrays.copyOf(items, items.length + 1);
    longer[items.length] = item;
    return longer;
  }

  private static SessionUpdate.SharedFile sharedFile(JsonObject file) {
    return parse(files(file)).files().get(0);
  }

  private static UUID noteId(String authorId, JsonObject note) {
    return parse(notes(note)).notes().get(0).id(authorId);
  }

  private static UUID fileId(JsonObject file) {
    return sharedFile(file).id("sam");
  }

  private static void assertRefused(String message, JsonObject body) {
    assertRefused(message, () -> parse(body));
  }

  private static void assertRefused(String message, Executable action) {
    DomainException e = assertThrows(DomainException.class, action);
    assertEquals(DomainException.Reason.INVALID, e.reason());
    assertEquals(message, e.getMessage());
  }

  @Test
  void aStatusAloneIsAnUpdate() {
    SessionUpdate update = parse(new JsonObject().put("status", "active"));
    assertEquals(SessionStatus.ACTIVE, update.status());
    assertEquals(List.of(), update.notes());
    assertEquals(List.of(), update.files());
  }

  @Test
  void anUnknownStatusIsRefused() {
    assertRefused("status must be pending, active or completed", new JsonObject().put("status", "started"));
  }

  @Test
  void anEmptyUpdateIsRefused() {
    String message = "send a status, notes or files to update the session";
    assertRefused(message, new JsonObject());
    assertRefused(message, new JsonObject().put("notes", new JsonArray()).put("files", new JsonArray()));
  }

  @Test
  void notesAreTrimmedAndKeepTheirTimestamp() {
    SessionUpdate update = parse(notes(note("  Revise chapter 3 \n").put("timestamp", "2030-01-07T09:15:00+01:00")));
    assertNull(update.status());
    SessionUpdate.Note note = update.notes().get(0);
    assertEquals("Revise chapter 3", note.text());
    assertEquals(OffsetDateTime.parse("2030-01-07T09:15:00+01:00"), note.timestamp());
    assertNull(parse(notes(note("Revise"))).notes().get(0).timestamp());
  }

  @Test
  void aNoteNeedsTextOfAtMost10000Characters() {
    assertRefused("notes[].text is required", notes(new JsonObject()));
    assertRefused("notes[].text is required", notes(note("   ")));
    assertEquals(10_000, parse(notes(note("x".repeat(10_000)))).notes().get(0).text().length());
    assertRefused("notes[].text must be 1 to 10000 characters", notes(note("x".repeat(10_001))));
  }

  @Test
  void aNoteTimestampIsAnIsoTime() {
    assertRefused("notes[].timestamp must be an ISO-8601 time with an offset, e.g. 2026-12-01T09:00:00Z",
      notes(note("Revise").put("timestamp", "yesterday")));
  }

  @Test
  void anUpdateHoldsAtMost100NotesAnd20Files() {
    JsonObject[] hundred = IntStream.range(0, 100).mapToObj(i -> note("note " + i)).toArray(JsonObject[]::new);
    assertEquals(100, parse(notes(hundred)).notes().size());
    assertRefused("notes holds at most 100 items per update", notes(append(hundred, note("one more"))));

    JsonObject[] twenty = IntStream.range(0, 20).mapToObj(i -> file("f" + i, URL)).toArray(JsonObject[]::new);
    assertEquals(20, parse(files(twenty)).files().size());
    assertRefused("files holds at most 20 items per update", files(append(twenty, file("one more", URL))));
  }

  @Test
  void notesAndFilesAreArraysOfObjects() {
    assertRefused("notes must be an array", new JsonObject().put("notes", "Revise"));
    assertRefused("notes must be an array of objects", new JsonObject().put("notes", new JsonArray().add("Revise")));
    assertRefused("files must be an array of objects", new JsonObject().put("files", new JsonArray().add(URL)));
  }

  @Test
  void aFileNamesTheKeyOfItsUrlUnderTheStorageBase() {
    SessionUpdate.SharedFile file = sharedFile(file(" notes.pdf ", URL).put("timestamp", "2030-01-07T09:15:00Z"));
    assertEquals("notes.pdf", file.name());
    assertEquals(URL, file.url());
    assertEquals("uploads/sam/1b4e28ba-2fa1-11d2-883f-0016d3cca427/notes.pdf", file.key(BASE));
    assertEquals(OffsetDateTime.parse("2030-01-07T09:15:00Z"), file.timestamp());
  }

  @Test
  void aFileNeedsANameAndAUrlWithinBounds() {
    assertRefused("files[].name is required", files(new JsonObject().put("url", URL)));
    assertRefused("files[].url is required", files(new JsonObject().put("name", "notes.pdf")));
    assertRefused("files[].name must be 1 to 255 characters", files(file("x".repeat(256), URL)));
    assertEquals(255, parse(files(file("x".repeat(255), URL))).files().get(0).name().length());
    String longest = BASE + "k".repeat(2048 - BASE.length());
    assertEquals(longest, sharedFile(file("notes.pdf", longest)).url());
    assertRefused("files[].url must be 1 to 2048 characters", files(file("notes.pdf", longest + "k")));
  }

  @Test
  void aFileUrlMustBeOneThisServerIssued() {
    String message = "files[].url must be a file URL this server issued (" + BASE + "…)";
    for (String url : List.of("https://elsewhere.example/files/notes.pdf", BASE + "../admin",
      BASE + "uploads/./sam/notes.pdf", BASE + "uploads/sam/my notes.pdf")) {
      SessionUpdate.SharedFile file = sharedFile(file("notes.pdf", url));
      assertRefused(message, () -> file.key(BASE));
    }
  }

  @Test
  void aUrlIssuedUnderAnotherStorageBaseIsRefused() {
    SessionUpdate.SharedFile file = sharedFile(file("notes.pdf", URL));
    String other = "https://bucket.example/files/";
    assertRefused("files[].url must be a file URL this server issued (" + other + "…)", () -> file.key(other));
  }

  @Test
  void aClientsOwnIdIsKept() {
    UUID id = UUID.randomUUID();
    assertEquals(id, noteId("sam", note("Revise").put("id", id.toString())));
    assertEquals(id, noteId("alice", note("Revise").put("id", id.toString())));
    assertEquals(id, fileId(file("notes.pdf", URL).put("id", id.toString())));
    assertEquals(id, sharedFile(file("notes.pdf", URL).put("id", id.toString())).id("alice"));
    assertRefused("notes[].id must be a UUID", notes(note("Revise").put("id", "note-1")));
    assertRefused("files[].id must be a UUID", files(file("notes.pdf", URL).put("id", "file-1")));
  }

  @Test
  void aRetriedNoteGetsTheSameIdAndADifferentNoteAnother() {
    JsonObject note = note("Revise").put("timestamp", "2030-01-07T09:15:00Z");
    UUID id = noteId("sam", note);
    assertEquals(id, noteId("sam", note.copy()));
    assertEquals(id, noteId("sam", note.copy().put("timestamp", "2030-01-07T10:15:00+01:00")));
    assertNotEquals(id, noteId("alice", note));
    assertNotEquals(id, noteId("sam", note.copy().put("text", "Revise again")));
    assertNotEquals(id, noteId("sam", note.copy().put("timestamp", "2030-01-07T09:16:00Z")));
    assertNotEquals(id, noteId("sam", note("Revise")));
  }

  @Test
  void aRetriedFileGetsTheSameIdAndADifferentFileAnother() {
    UUID id = fileId(file("notes.pdf", URL));
    assertEquals(id, fileId(file("notes.pdf", URL)));
    assertNotEquals(id, fileId(file("notes-2.pdf", URL)));
    assertNotEquals(id, fileId(file("notes.pdf", URL + "2")));
    assertNotEquals(id, fileId(file("notes.pdf", URL).put("timestamp", "2030-01-07T09:15:00Z")));
    assertNotEquals(id, sharedFile(file("notes.pdf", URL)).id("alice"));
  }

  @Test
  void derivedIdsKeepTheirFormAcrossReleases() {
    // A PUT retried after an upgrade must name the rows the first attempt added.
    assertEquals(UUID.fromString("c239b844-6d76-308d-a62f-bffc34c9aa5f"),
      noteId("sam", note("Revise").put("timestamp", "2030-01-07T09:15:00Z")));
    assertEquals(UUID.fromString("fc90c7ae-d621-33bd-9a07-30cb090e0baa"), fileId(file("notes.pdf", URL)));
  }

  @Test
  void aNoteIsTheSameNoteOnlyFromTheSameAuthor() {
    Samples.check(random -> {
      String author = Samples.nonBlank(random);
      String other = Samples.nonBlank(random);
      JsonObject note = note(Samples.nonBlank(random)).put("timestamp", "2030-01-07T09:15:00Z");
      UUID id = noteId(author, note);
      assertEquals(id, noteId(author, note.copy()));
      assertEquals(author.equals(other), id.equals(noteId(other, note)));
    });
  }
}
