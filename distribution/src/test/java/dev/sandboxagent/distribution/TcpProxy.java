package dev.sandboxagent.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of the daemon, as a flaky network between a client and it: every
 * connection can be cut at once ({@link #dropAll}), and with a budget each connection is cut once it
 * has passed that many bytes from the daemon to the client.
 */
final class TcpProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int target;
  private final int budget;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  /** Connections cut because they used up their budget. */
  final AtomicInteger cuts = new AtomicInteger();

  /** A proxy that passes everything until {@link #dropAll}. */
  TcpProxy(String daemonBase) throws IOException {
    this(daemonBase, Integer.MAX_VALUE);
  }

  /** A proxy that cuts each connection after {@code budget} bytes from the daemon. */
  TcpProxy(String daemonBase, int budget) throws IOException {
    this.target = Integer.parseInt(daemonBase.substring(daemonBase.lastIndexOf(':') + 1));
    this.budget = budget;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::accept);
  }

  String base() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        open.add(client);
        open.add(upstream);
        Thread.ofVirtual().start(() -> pump(client, upstream, Integer.MAX_VALUE));
        Thread.ofVirtual().start(() -> pump(upstream, client, budget));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, int limit) {
    byte[] buffer = new byte[limit == Integer.MAX_VALUE ? 16384 : 512];
    long passed = 0;
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - passed))) > 0) {
        out.write(buffer, 0, n);
        out.flush();
        passed += n;
        if (passed >= limit) {
          cuts.incrementAndGet();
          break;
        }
      }
    } catch (IOException e) {
      // cut or closed
    } finally {
      close(from);
      close(to);
    }
  }

  /** Cuts every connection, as a network drop would. */
  void dropAll() {
    for (Socket s : new ArrayList<>(open)) {
      close(s);
    }
  }

  private void close(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    dropAll();
  }
}
