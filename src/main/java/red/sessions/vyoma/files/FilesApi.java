package red.sessions.vyoma.files;

/** The files domain's event-bus contract: its address and the actions it answers. */
public final class FilesApi {

  public static final String ADDRESS = "vyoma.files";
  public static final String PRESIGN = "presign";
  public static final String READ = "read";

  private FilesApi() {
  }
}
