package red.sessions.vyoma.bookings;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import red.sessions.vyoma.auth.Caller;
import red.sessions.vyoma.bus.Times;

/** A booking as stored, with the version that changes on every status change (sent as its ETag). */
record Booking(JsonObject json, int version) {

  static final String COLUMNS =
    "id, student_id, teacher_id, start_time, end_time, status, cancel_reason, version, created_at, updated_at";

  static Booking of(Row row) {
    JsonObject json = new JsonObject()
      .put("booking_id", row.getUUID("id").toString())
      .put("student_id", row.getString("student_id"))
      .put("teacher_id", row.getString("teacher_id"))
      .put("start_time", Times.format(row.getOffsetDateTime("start_time")))
      .put("end_time", Times.format(row.getOffsetDateTime("end_time")))
      .put("status", row.getString("status"))
      .put("cancel_reason", row.getString("cancel_reason"))
      .put("created_at", Times.format(row.getOffsetDateTime("created_at")))
      .put("updated_at", Times.format(row.getOffsetDateTime("updated_at")));
    return new Booking(json, row.getInteger("version"));
  }

  String studentId() {
    return json.getString("student_id");
  }

  String teacherId() {
    return json.getString("teacher_id");
  }

  String status() {
    return json.getString("status");
  }

  boolean isParty(Caller caller) {
    return caller.actsForOneOf(studentId(), teacherId());
  }

  String etag() {
    return "\"" + version + "\"";
  }
}
