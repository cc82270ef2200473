package red.sessions.vyoma.http;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import red.sessions.vyoma.support.ServerTest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static red.sessions.vyoma.support.Api.assertError;

/**
 * Parameters and bodies whose schema is plain (a string of some length, a UUID, a pattern; an object of such
 * properties) are judged without the schema validator when the value fits ({@link ContractValidation.Plain});
 * whatever a plain rule takes, the validator must take too, for every such parameter and body of
 * {@code openapi.yaml}, or a request the contract refuses would get through.
 */
class ContractValidationTest extends ServerTest {

  private static final String UUID = "0b7c2f4e-5a6d-4e8f-9a0b-1c2d3e4f5a6b";
  private static final String EMOJI = "\uD83D\uDE00";
  /** Times and near-times, for the patterns of time parameters and properties. */
  private static final List<String> TIMES = List.of("2026-12-01T09:00:00+05:30", "2026-12-01T09:00:00Z",
    "2026-12-01T09:00Z", "2026-12-01T09:00:00.123456789-01:00", "2026-12-01T09:00:00.1234567890Z", "2026-12-01T09:00",
    "2026-12-01 09:00:00Z", "x2026-12-01T09:00:00Z", "2026-12-01T09:00:00Zx", "2026-12-01", "2026-12-01T09:00:00+0530");

  private static Vertx vertx;
  private static OpenAPIContract contract;

  @BeforeAll
  static void readTheContract() {
    vertx = Vertx.vertx();
    contract = ContractValidation.contract(vertx).await();
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @Test
  void whatThePlainRuleTakesTheSchemaValidatorTakesForEveryParameter() {
    SchemaRepository schemas = contract.getSchemaRepository();
    List<String> judged = new ArrayList<>();
    for (Operation operation : contract.operations()) {
      for (Parameter parameter : operation.getParameters()) {
        Optional<ContractValidation.PlainString> plain = ContractValidation.PlainString.of(parameter.getSchema());
        if (plain.isEmpty()) {
          continue;
        }
        String name = operation.getOperationId() + " " + parameter.getName();
        judged.add(name);
        assertTrue(values(plain.get()).stream().anyMatch(plain.get()::takes), name + ": the rule takes none of the values tried");
        for (String value : values(plain.get())) {
          if (plain.get().takes(value) && !schemas.validator(parameter.getSchema()).validate(value).getValid()) {
            fail(name + ": the plain rule " + plain.get() + " takes '" + value + "', which its schema refuses");
          }
        }
      }
    }
    assertTrue(judged.contains("getProfile user_id"), judged::toString);
    assertTrue(judged.stream().anyMatch(name -> name.endsWith(" booking_id")), judged::toString);
    assertTrue(judged.contains("listAvailability from"), "a parameter with a pattern: " + judged);
  }

  @Test
  void whatThePlainRuleTakesTheSchemaValidatorTakesForEveryBody() {
    SchemaRepository schemas = contract.getSchemaRepository();
    List<String> judged = new ArrayList<>();
    for (Operation operation : contract.operations()) {
      if (operation.getRequestBody() == null) {
        continue;
      }
      JsonSchema schema = operation.getRequestBody().getContent().get("application/json").getSchema();
      Optional<ContractValidation.PlainObject> plain = ContractValidation.PlainObject.of(schema);
      if (plain.isEmpty()) {
        continue;
      }
      String name = operation.getOperationId();
      judged.add(name);
      List<JsonObject> bodies = bodies(plain.get(), schema);
      assertTrue(bodies.stream().anyMatch(plain.get()::takes), name + ": the rule takes none of the bodies tried");
      for (JsonObject body : bodies) {
        if (plain.get().takes(body) && !schemas.validator(schema).validate(body).getValid()) {
          fail(name + ": the plain rule " + plain.get() + " takes " + body.encode() + ", which its schema refuses");
        }
      }
    }
    assertTrue(judged.contains("createBooking"), judged::toString);
  }

  @Test
  void aBookingsBodyIsPlainAndWhatItRefusesIsLeftToTheValidator() {
    JsonSchema schema = contract.operation("createBooking").getRequestBody().getContent().get("application/json").getSchema();
    ContractValidation.PlainObject booking = ContractValidation.PlainObject.of(schema).orElseThrow();
    JsonObject body = new JsonObject().put("student_id", "s").put("teacher_id", "t")
      .put("start_time", "2026-12-01T09:00:00+05:30").put("end_time", "2026-12-01T10:00:00Z");
    assertTrue(booking.takes(body));
    assertTrue(booking.takes(body.copy().put("package_id", UUID)));
    assertTrue(booking.takes(body.copy().put("unknown", 1)), "the schema allows other properties");
    assertFalse(booking.takes(body.copy().put("start_time", "2026-12-01T09:00:00")), "no offset");
    assertFalse(booking.takes(body.copy().put("student_id", "")));
    assertFalse(booking.takes(body.copy().put("teacher_id", 7)));
    JsonObject noEnd = body.copy();
    noEnd.remove("end_time");
    assertFalse(booking.takes(noEnd));
  }

  @Test
  void overHttpABodyTheRuleRefusesIsA400InTheValidatorsWords() {
    String student = server.seed().student();
    String teacher = server.seed().teacher();
    JsonObject body = new JsonObject().put("student_id", student).put("teacher_id", teacher)
      .put("start_time", "2030-01-07T09:00:00").put("end_time", "2030-01-07T10:00:00Z");
    JsonObject error = assertError(api.post("/bookings", server.token(student), body), 400);
    // The contract's words, not the bookings' own check of the time ("start_time must be an ISO-8601 time…"), which a
    // body let through by the plain rule would meet instead.
    assertTrue(error.getString("message").startsWith("The value of the request body is invalid"), error::encode);
    assertTrue(error.getString("message").contains("start_time"), error::encode);
  }

  @Test
  void theRuleTakesOnlyPlainStringsAndUuids() {
    SchemaRepository schemas = contract.getSchemaRepository();
    ContractValidation.PlainString userId = ContractValidation.PlainString.of(parameter("getProfile", "user_id").getSchema())
      .orElseThrow();
    assertEquals(new ContractValidation.PlainString(1, 128, false, null), userId);
    assertTrue(userId.takes("x".repeat(128)));
    assertTrue(userId.takes(EMOJI.repeat(128)), "128 code points in 256 chars");
    assertFalse(userId.takes("x".repeat(129)));
    assertFalse(userId.takes(""));

    JsonSchema bookingId = parameter("getBooking", "booking_id").getSchema();
    ContractValidation.PlainString uuid = ContractValidation.PlainString.of(bookingId).orElseThrow();
    assertTrue(uuid.takes(UUID));
    assertFalse(uuid.takes(UUID.toUpperCase()), "left to the validator");
    assertFalse(uuid.takes(UUID.replace('-', 'x')));
    assertFalse(uuid.takes(UUID.substring(1)));
    assertFalse(schemas.validator(bookingId).validate("not-a-uuid").getValid(), "the validator asserts the format");

    List<String> notPlain = new ArrayList<>();
    for (Operation operation : contract.operations()) {
      for (Parameter parameter : operation.getParameters()) {
        JsonSchema schema = parameter.getSchema();
        boolean other = schema.containsKey("enum") || !"string".equals(schema.get("type"));
        if (other) {
          notPlain.add(operation.getOperationId() + " " + parameter.getName());
          assertTrue(ContractValidation.PlainString.of(schema).isEmpty(), operation.getOperationId() + " " + parameter.getName());
        }
      }
    }
    assertFalse(notPlain.isEmpty(), "the document has parameters with other rules");
  }

  @Test
  void overHttpAValueTheRuleTakesIsServedAndOneItRefusesIsStillA400() {
    String reader = server.seed().student();
    assertError(api.get("/profiles?user_id=" + URLEncoder.encode(EMOJI.repeat(128), StandardCharsets.UTF_8),
      server.token(reader)), 404);
    assertError(api.get("/profiles?user_id=" + "x".repeat(129), server.token(reader)), 400);
    assertError(api.get("/bookings/" + UUID.toUpperCase().replace('A', 'G'), server.token(reader)), 400);
    assertError(api.get("/bookings/" + UUID, server.token(reader)), 404);
  }

  private static Parameter parameter(String operationId, String name) {
    return contract.operation(operationId).getParameters().stream().filter(p -> p.getName().equals(name)).findFirst()
      .orElseThrow();
  }

  /**
   * Bodies around the schema's own example (or, without one, a body of the first value each property's rule takes):
   * each property left out, and given every value {@link #values} tries and values of other types; a property the
   * schema does not name.
   */
  private static List<JsonObject> bodies(ContractValidation.PlainObject plain, JsonSchema schema) {
    JsonObject base = new JsonObject();
    if (schema.get("example") instanceof JsonObject example) {
      example.fieldNames().stream().filter(JsonSchema.EXCLUDE_ANNOTATIONS).forEach(name -> base.put(name, example.getValue(name)));
    }
    plain.properties().forEach((name, rule) -> {
      if (!base.containsKey(name) && rule instanceof ContractValidation.PlainString string) {
        values(string).stream().filter(string::takes).findFirst().ifPresent(value -> base.put(name, value));
      }
    });
    List<JsonObject> bodies = new ArrayList<>(List.of(base, base.copy().put("not_in_the_schema", "x")));
    plain.properties().forEach((name, rule) -> {
      JsonObject without = base.copy();
      without.remove(name);
      bodies.add(without);
      List<Object> tried = new ArrayList<>(List.of(1, 1.5, true, new JsonObject(), new JsonArray().add("x")));
      tried.add(null);
      if (rule instanceof ContractValidation.PlainString string) {
        tried.addAll(values(string));
      }
      tried.forEach(value -> bodies.add(base.copy().put(name, value)));
    });
    return bodies;
  }

  /** Values at and around the rule's bounds, in chars and in code points, around a UUID's shape, and times. */
  private static List<String> values(ContractValidation.PlainString plain) {
    List<String> values = new ArrayList<>(List.of("", "a", " ", "not-a-uuid", UUID, UUID.toUpperCase(),
      "urn:uuid:" + UUID, UUID + "0", UUID.substring(1), UUID.replace('-', '_'), UUID.replace('a', 'g')));
    values.addAll(TIMES);
    for (int length : new int[] {plain.minLength() - 1, plain.minLength(), plain.minLength() + 1,
      plain.maxLength() - 1, plain.maxLength(), plain.maxLength() + 1}) {
      if (length >= 0 && length <= 10_000) {
        values.add("x".repeat(length));
        values.add(EMOJI.repeat(length));
        values.add("x" + EMOJI.repeat(Math.max(0, length - 1)));
      }
    }
    return values;
  }
}
