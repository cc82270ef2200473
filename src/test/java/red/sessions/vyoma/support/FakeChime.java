package red.sessions.vyoma.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Amazon Chime SDK Meetings as the AWS SDK v2 {@code ChimeSdkMeetingsAsyncClient} speaks to it (REST-JSON):
 * {@code POST /meetings}, {@code GET|DELETE /meetings/{id}}, {@code POST|GET /meetings/{id}/attendees}, with
 * Chime's field names, its idempotency (the same {@code ClientRequestToken} gives the same live meeting, the
 * same {@code ExternalUserId} the same attendee) and its error shape (status, {@code x-amzn-ErrorType} header,
 * {@code {"Code","Message"}} body). It also serves the media-pipelines API the SDK's
 * {@code ChimeSdkMediaPipelinesAsyncClient} calls to record a meeting: {@code POST /sdk-media-capture-pipelines}
 * (a capture of a meeting it knows into an S3 bucket, idempotent by {@code ClientRequestToken}) and
 * {@code DELETE /sdk-media-capture-pipelines/{id}}; a meeting's end stops its captures. Requests without a SigV4 {@code Authorization} header are refused as AWS
 * refuses them. Faults are queued in the order they are asked for and each one takes the next request.
 * Thread-safe: the server answers on an event loop while tests read and steer it from their own thread.
 */
public final class FakeChime implements AutoCloseable {

  public static final String ACCESS_KEY_ID = "AKIDFAKECHIMETEST";
  public static final String SECRET_ACCESS_KEY = "fake-chime-secret-access-key";

  private static final Pattern MEETING = Pattern.compile("/meetings/([^/]+)");
  private static final Pattern ATTENDEES = Pattern.compile("/meetings/([^/]+)/attendees");
  private static final String PIPELINES = "/sdk-media-capture-pipelines";
  private static final Pattern PIPELINE = Pattern.compile(PIPELINES + "/([^/]+)");
  private static final Pattern MEETING_ARN = Pattern.compile("arn:aws:chime:[a-z0-9-]+:[0-9]+:meeting/(.+)");

  private final HttpServer server;
  private final Object lock = new Object();
  private final List<JsonObject> requests = new ArrayList<>();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final Map<String, JsonObject> meetings = new HashMap<>();
  private final Map<String, String> meetingByToken = new HashMap<>();
  private final Map<String, Map<String, JsonObject>> attendees = new HashMap<>();
  private final Map<String, Set<String>> detached = new HashMap<>();
  private final Map<String, JsonObject> pipelines = new HashMap<>();
  private final Map<String, String> pipelineByToken = new HashMap<>();
  private int meetingsCreated;

  private record Fault(int status, String errorType) {
    static final Fault HANG = new Fault(0, null);
  }

  private FakeChime(Vertx vertx) {
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  /** Starts on a random port of 127.0.0.1 and gives the SDK's default credential chain test credentials. */
  public static FakeChime start(Vertx vertx) {
    System.setProperty("aws.accessKeyId", ACCESS_KEY_ID);
    System.setProperty("aws.secretAccessKey", SECRET_ACCESS_KEY);
    FakeChime fake = new FakeChime(vertx);
    fake.server.listen(0, "127.0.0.1").await();
    return fake;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /**
   * Every request received, in order: {@code operation} (as in {@link #operations()}), {@code method}, {@code path},
   * {@code headers} (lower-case names), {@code body}.
   */
  public List<JsonObject> requests() {
    synchronized (lock) {
      return requests.stream().map(JsonObject::copy).toList();
    }
  }

  /** The requests received with this method and path, in order. */
  public List<JsonObject> requests(String method, String path) {
    return requests().stream()
      .filter(request -> request.getString("method").equals(method) && request.getString("path").equals(path))
      .toList();
  }

  /**
   * The Chime operation of every request received, in order ({@code CreateMeeting}, {@code GetMeeting},
   * {@code DeleteMeeting}, {@code CreateAttendee}, {@code ListAttendees}, {@code CreateMediaCapturePipeline},
   * {@code DeleteMediaCapturePipeline}): each attempt is there, a repeated {@code CreateMeeting}
   * answered with the existing meeting and an attempt answered with a fault too.
   */
  public List<String> operations() {
    synchronized (lock) {
      return requests.stream().map(request -> request.getString("operation")).toList();
    }
  }

  /** Distinct meetings ever created (since start or the last {@link #reset()}). */
  public int meetingsCreated() {
    synchronized (lock) {
      return meetingsCreated;
    }
  }

  /** The meeting as the fake holds it (what GetMeeting answers), or null when it does not know it. */
  public JsonObject meeting(String meetingId) {
    synchronized (lock) {
      JsonObject meeting = meetings.get(meetingId);
      return meeting == null ? null : meeting.copy();
    }
  }

  /** The attendee as the fake holds it, or null when the meeting or the user is unknown to it. */
  public JsonObject attendee(String meetingId, String externalUserId) {
    synchronized (lock) {
      JsonObject attendee = attendees.getOrDefault(meetingId, Map.of()).get(externalUserId);
      return attendee == null ? null : attendee.copy();
    }
  }

  /** The media capture pipelines running now (created, neither deleted nor stopped with their meeting). */
  public List<JsonObject> pipelines() {
    synchronized (lock) {
      return pipelines.values().stream().map(JsonObject::copy).toList();
    }
  }

  /** The next n requests get 429 ThrottlingException. */
  public void throttleNext(int n) {
    failNext(n, 429, "ThrottlingException");
  }

  /** The next n requests get this status and {@code x-amzn-ErrorType}. */
  public void failNext(int n, int status, String errorType) {
    queue(n, new Fault(status, errorType));
  }

  /** The next n requests are never answered. */
  public void hangNext(int n) {
    queue(n, Fault.HANG);
  }

  private void queue(int n, Fault fault) {
    synchronized (lock) {
      for (int i = 0; i < n; i++) {
        faults.add(fault);
      }
    }
  }

  /** Chime forgets the meeting, as when it ends after minutes without attendees: later calls get NotFound. */
  public void endByItself(String meetingId) {
    synchronized (lock) {
      forget(meetingId);
    }
  }

  /**
   * The attendee is no longer attached to the meeting, as when its client went without a word: ListAttendees
   * leaves it out from now on.
   */
  public void detach(String meetingId, String externalUserId) {
    synchronized (lock) {
      detached.computeIfAbsent(meetingId, meeting -> new HashSet<>()).add(externalUserId);
    }
  }

  /** Drops the faults still queued for the next requests; what Chime holds stays. */
  public void clearFaults() {
    synchronized (lock) {
      faults.clear();
    }
  }

  /** Forgets all meetings, requests and pending faults. */
  public void reset() {
    synchronized (lock) {
      requests.clear();
      faults.clear();
      meetings.clear();
      meetingByToken.clear();
      attendees.clear();
      detached.clear();
      pipelines.clear();
      pipelineByToken.clear();
      meetingsCreated = 0;
    }
  }

  @Override
  public void close() {
    server.close().await();
  }

  private void handle(HttpServerRequest request) {
    request.body().onComplete(body -> {
      if (body.failed()) {
        return;
      }
      Answer answer;
      synchronized (lock) {
        answer = answer(request, body.result());
      }
      if (answer == null) {
        return; // hang: never answered
      }
      request.response().setStatusCode(answer.status).putHeader("x-amzn-RequestId", answer.requestId);
      if (answer.errorType != null) {
        request.response().putHeader("x-amzn-ErrorType", answer.errorType);
      }
      if (answer.body == null) {
        request.response().end();
      } else {
        request.response().putHeader("Content-Type", "application/json").end(answer.body.encode());
      }
    });
  }

  private record Answer(int status, String errorType, JsonObject body, String requestId) {
  }

  private static Answer ok(int status, JsonObject body) {
    return new Answer(status, null, body, UUID.randomUUID().toString());
  }

  /** Chime's error: the type in {@code x-amzn-ErrorType}, and {@code Code}, {@code Message}, {@code RequestId} in the body. */
  private static Answer error(int status, String errorType, String message) {
    String requestId = UUID.randomUUID().toString();
    JsonObject body = new JsonObject();
    if (errorType != null) {
      body.put("Code", errorType.endsWith("Exception") ? errorType.substring(0, errorType.length() - "Exception".length()) : errorType);
    }
    body.put("Message", message).put("RequestId", requestId);
    return new Answer(status, errorType, body, requestId);
  }

  private Answer answer(HttpServerRequest request, Buffer raw) {
    JsonObject headers = new JsonObject();
    Map<String, String> sorted = new TreeMap<>();
    request.headers().forEach(header -> sorted.merge(header.getKey().toLowerCase(), header.getValue(), (a, b) -> a + "," + b));
    sorted.forEach(headers::put);
    JsonObject body = null;
    boolean badJson = false;
    if (raw.length() > 0) {
      try {
        body = new JsonObject(raw);
      } catch (DecodeException | ClassCastException e) {
        badJson = true;
      }
    }
    String path = request.path();
    HttpMethod method = request.method();
    Matcher attendeesPath = ATTENDEES.matcher(path);
    Matcher meetingPath = MEETING.matcher(path);
    Matcher pipelinePath = PIPELINE.matcher(path);
    String operation = operation(method, path, meetingPath.matches(), attendeesPath.matches(), pipelinePath.matches());
    requests.add(new JsonObject().put("operation", operation).put("method", method.name()).put("path", path)
      .put("headers", headers).put("body", body));

    Fault fault = faults.poll();
    if (fault == Fault.HANG) {
      return null;
    }
    if (fault != null) {
      return error(fault.status, fault.errorType, "Injected failure " + fault.status);
    }
    String authorization = headers.getString("authorization", "");
    if (!authorization.startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY_ID + "/")) {
      return error(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    if (badJson) {
      return error(400, "BadRequestException", "The request body is not JSON.");
    }
    JsonObject input = body == null ? new JsonObject() : body;
    return switch (operation) {
      case "CreateMeeting" -> createMeeting(input);
      case "GetMeeting" -> {
        JsonObject meeting = meetings.get(meetingPath.group(1));
        yield meeting == null ? notFound() : ok(200, new JsonObject().put("Meeting", meeting.copy()));
      }
      case "DeleteMeeting" -> forget(meetingPath.group(1)) ? ok(204, null) : notFound();
      case "CreateAttendee" -> createAttendee(attendeesPath.group(1), input);
      case "ListAttendees" -> listAttendees(attendeesPath.group(1));
      case "CreateMediaCapturePipeline" -> createPipeline(input);
      case "DeleteMediaCapturePipeline" -> pipelines.remove(pipelinePath.group(1)) != null ? ok(204, null) : notFound();
      default -> error(404, "UnknownOperationException", "No operation " + method.name() + " " + path);
    };
  }

  private static String operation(HttpMethod method, String path, boolean meetingPath, boolean attendeesPath,
                                   boolean pipelinePath) {
    if (method == HttpMethod.POST && path.equals(PIPELINES)) {
      return "CreateMediaCapturePipeline";
    }
    if (method == HttpMethod.DELETE && pipelinePath) {
      return "DeleteMediaCapturePipeline";
    }
    if (method == HttpMethod.POST && path.equals("/meetings")) {
      return "CreateMeeting";
    }
    if (method == HttpMethod.GET && meetingPath) {
      return "GetMeeting";
    }
    if (method == HttpMethod.DELETE && meetingPath) {
      return "DeleteMeeting";
    }
    if (method == HttpMethod.POST && attendeesPath) {
      return "CreateAttendee";
    }
    if (method == HttpMethod.GET && attendeesPath) {
      return "ListAttendees";
    }
    return "Unknown";
  }

  private Answer createMeeting(JsonObject body) {
    String token = body.getString("ClientRequestToken");
    String externalMeetingId = body.getString("ExternalMeetingId");
    String mediaRegion = body.getString("MediaRegion");
    if (!lengthBetween(token, 2, 64) || !lengthBetween(externalMeetingId, 2, 64) || mediaRegion == null) {
      return error(400, "BadRequestException", "ClientRequestToken, ExternalMeetingId and MediaRegion are required.");
    }
    String existing = meetingByToken.get(token);
    if (existing != null && meetings.containsKey(existing)) {
      return ok(200, new JsonObject().put("Meeting", meetings.get(existing).copy()));
    }
    String id = UUID.randomUUID().toString();
    String cell = "m" + (1 + Math.floorMod(id.hashCode(), 9));
    String host = cell + ".fake-chime.invalid";
    JsonObject meeting = new JsonObject()
      .put("MeetingId", id)
      .put("ExternalMeetingId", externalMeetingId)
      .put("MediaRegion", mediaRegion)
      .put("MediaPlacement", new JsonObject()
        .put("AudioHostUrl", id.substring(0, 12) + ".k." + host + ":3478")
        .put("AudioFallbackUrl", "wss://haxrp." + host + ":443/calls/" + id)
        .put("SignalingUrl", "wss://signal." + host + "/control/" + id)
        .put("TurnControlUrl", "https://2713.cell." + mediaRegion + ".fake-chime.invalid/v2/turn_sessions")
        .put("ScreenDataUrl", "wss://bitpw." + host + ":443/v2/screen/" + id)
        .put("ScreenViewingUrl", "wss://bitpw." + host + ":443/ws/connect?passcode=null&viewer_uuid=null&X-BitHub-Call-Id=" + id)
        .put("ScreenSharingUrl", "wss://bitpw." + host + ":443/v2/screen/" + id)
        .put("EventIngestionUrl", "https://data.svc." + mediaRegion + ".ingest.fake-chime.invalid/v1/client-events"))
      .put("MeetingArn", "arn:aws:chime:" + mediaRegion + ":123456789012:meeting/" + id);
    if (body.getValue("MeetingHostId") instanceof String hostId) {
      meeting.put("MeetingHostId", hostId);
    }
    if (body.getValue("MeetingFeatures") instanceof JsonObject features) {
      meeting.put("MeetingFeatures", features.copy());
    }
    meetings.put(id, meeting);
    meetingByToken.put(token, id);
    attendees.put(id, new HashMap<>());
    meetingsCreated++;
    return ok(200, new JsonObject().put("Meeting", meeting.copy()));
  }

  private Answer createAttendee(String meetingId, JsonObject body) {
    if (!meetings.containsKey(meetingId)) {
      return notFound();
    }
    String externalUserId = body.getString("ExternalUserId");
    if (!lengthBetween(externalUserId, 2, 64)) {
      return error(400, "BadRequestException", "ExternalUserId must be 2 to 64 characters.");
    }
    JsonObject attendee = attendees.get(meetingId).computeIfAbsent(externalUserId, user -> {
      String attendeeId = UUID.randomUUID().toString();
      String joinToken = Base64.getEncoder().encodeToString((attendeeId + ":" + UUID.randomUUID())
        .getBytes(StandardCharsets.US_ASCII));
      return new JsonObject()
        .put("ExternalUserId", user)
        .put("AttendeeId", attendeeId)
        .put("JoinToken", joinToken)
        .put("Capabilities", new JsonObject().put("Audio", "SendReceive").put("Video", "SendReceive")
          .put("Content", "SendReceive"));
    });
    return ok(200, new JsonObject().put("Attendee", attendee.copy()));
  }

  /** The meeting's attendees still attached, all on one page, without their join tokens (as Chime lists them). */
  private Answer listAttendees(String meetingId) {
    if (!meetings.containsKey(meetingId)) {
      return notFound();
    }
    Set<String> gone = detached.getOrDefault(meetingId, Set.of());
    JsonArray listed = new JsonArray();
    attendees.get(meetingId).forEach((externalUserId, attendee) -> {
      if (!gone.contains(externalUserId)) {
        JsonObject entry = attendee.copy();
        entry.remove("JoinToken");
        listed.add(entry);
      }
    });
    return ok(200, new JsonObject().put("Attendees", listed));
  }

  /**
   * A capture of a live meeting (its {@code MeetingArn}) into an S3 bucket ({@code arn:aws:s3:::bucket/prefix}), as
   * Chime answers it (201, {@code MediaCapturePipeline}); the same token while it runs gives the same pipeline.
   */
  private Answer createPipeline(JsonObject body) {
    String token = body.getString("ClientRequestToken");
    String sourceArn = body.getString("SourceArn", "");
    String sinkArn = body.getString("SinkArn", "");
    Matcher meetingArn = MEETING_ARN.matcher(sourceArn);
    if (!lengthBetween(token, 2, 64) || !"ChimeSdkMeeting".equals(body.getString("SourceType"))
      || !"S3Bucket".equals(body.getString("SinkType")) || !sinkArn.startsWith("arn:aws:s3:::")
      || !meetingArn.matches()) {
      return error(400, "BadRequestException",
        "ClientRequestToken, SourceType ChimeSdkMeeting with a meeting's ARN and SinkType S3Bucket with a bucket's ARN are required.");
    }
    if (!meetings.containsKey(meetingArn.group(1))) {
      return notFound();
    }
    String existing = pipelineByToken.get(token);
    if (existing != null && pipelines.containsKey(existing)) {
      return ok(201, new JsonObject().put("MediaCapturePipeline", pipelines.get(existing).copy()));
    }
    String id = UUID.randomUUID().toString();
    String now = Instant.now().toString();
    JsonObject pipeline = new JsonObject()
      .put("MediaPipelineId", id)
      .put("MediaPipelineArn", "arn:aws:chime:us-east-1:123456789012:media-pipeline/" + id)
      .put("SourceType", "ChimeSdkMeeting")
      .put("SourceArn", sourceArn)
      .put("Status", "Initializing")
      .put("SinkType", "S3Bucket")
      .put("SinkArn", sinkArn)
      .put("CreatedTimestamp", now)
      .put("UpdatedTimestamp", now);
    pipelines.put(id, pipeline);
    pipelineByToken.put(token, id);
    return ok(201, new JsonObject().put("MediaCapturePipeline", pipeline.copy()));
  }

  private boolean forget(String meetingId) {
    pipelines.values().removeIf(pipeline -> pipeline.getString("SourceArn").endsWith("meeting/" + meetingId));
    attendees.remove(meetingId);
    return meetings.remove(meetingId) != null;
  }

  private static Answer notFound() {
    return error(404, "NotFoundException", "The requested resource was not found.");
  }

  private static boolean lengthBetween(String value, int min, int max) {
    return value != null && value.length() >= min && value.length() <= max;
  }
}
