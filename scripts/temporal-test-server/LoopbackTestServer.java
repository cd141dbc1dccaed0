import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.net.InetSocketAddress;

/**
 * Temporal's time-skipping test server (the Java SDK's in-memory service) bound to 127.0.0.1 only; the stock
 * entry point listens on every interface. Usage: LoopbackTestServer PORT [--enable-time-skipping], as the stock one:
 * time skipping starts locked, and the SDK's test client unlocks it while it waits for a result or sleeps.
 */
public final class LoopbackTestServer {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    boolean unlocked = args.length > 1 && args[1].equalsIgnoreCase("--enable-time-skipping");
    TestServicesStarter services = new TestServicesStarter(!unlocked, 0L);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port), InsecureServerCredentials.create());
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    Server server = builder.build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
    server.awaitTermination();
  }
}
