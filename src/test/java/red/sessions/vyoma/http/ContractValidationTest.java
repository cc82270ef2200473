package red.sessions.vyoma.http;

import io.vertx.core.Vertx;
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
 * Parameters whose schema is a plain string or a UUID are judged without the schema validator when the value
 * fits ({@link ContractValidation.PlainString}); whatever that rule takes, the validator must take too, for every
 * such parameter of {@code openapi.yaml}, or a request the contract refuses would get through.
 */
class ContractValidationTest extends ServerTest {

  private static final String UUID = "0b7c2f4e-5a6d-4e8f-9a0b-1c2d3e4f5a6b";
  private static final String EMOJI = "\uD83D\uDE00";

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
        for (String value : values(plain.get())) {
          if (plain.get().takes(value) && !schemas.validator(parameter.getSchema()).validate(value).getValid()) {
            fail(name + ": the plain rule " + plain.get() + " takes '" + value + "', which its schema refuses");
          }
        }
      }
    }
    assertTrue(judged.contains("getProfile user_id"), judged::toString);
    assertTrue(judged.stream().anyMatch(name -> name.endsWith(" booking_id")), judged::toString);
  }

  @Test
  void theRuleTakesOnlyPlainStringsAndUuids() {
    SchemaRepository schemas = contract.getSchemaRepository();
    ContractValidation.PlainString userId = ContractValidation.PlainString.of(parameter("getProfile", "user_id").getSchema())
      .orElseThrow();
    assertEquals(new ContractValidation.PlainString(1, 128, false), userId);
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
        boolean other = schema.containsKey("pattern") || schema.containsKey("enum") || !"string".equals(schema.get("type"));
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

  /** Values at and around the rule's bounds, in chars and in code points, and around a UUID's shape. */
  private static List<String> values(ContractValidation.PlainString plain) {
    List<String> values = new ArrayList<>(List.of("", "a", " ", "not-a-uuid", UUID, UUID.toUpperCase(),
      "urn:uuid:" + UUID, UUID + "0", UUID.substring(1), UUID.replace('-', '_'), UUID.replace('a', 'g')));
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
