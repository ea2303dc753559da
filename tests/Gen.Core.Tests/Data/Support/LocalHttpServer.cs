using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Gen.Core.Tests.Data.Support;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 over a raw socket, so that a test can also misbehave on purpose
/// (announce more bytes than it sends, then hang up).
/// </summary>
internal sealed class LocalHttpServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentDictionary<string, Reply> routes = new();
    private int requests;

    public LocalHttpServer()
    {
        listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/files/");
        _ = Task.Run(AcceptLoop);
    }

    /// <summary>An answer: status, body, and the Content-Length to announce (the body's length when null).</summary>
    public sealed record Reply(int Status, byte[] Body, long? AnnouncedLength = null);

    public Uri BaseUri { get; }

    /// <summary>How many requests arrived.</summary>
    public int Requests => Volatile.Read(ref requests);

    /// <summary>Serves <paramref name="body"/> at BaseUri + <paramref name="name"/>.</summary>
    public void Serve(string name, byte[] body, long? announcedLength = null) => routes[name] = new Reply(200, body, announcedLength);

    /// <summary>An unused port on 127.0.0.1: bound, then released, so a connection to it is refused.</summary>
    public static Uri Unreachable()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri($"http://127.0.0.1:{port}/files/");
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => Answer(client));
        }
    }

    private async Task Answer(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0)
                {
                    return;
                }

                request.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            Interlocked.Increment(ref requests);
            var path = request.ToString().Split(' ')[1];
            var name = path.StartsWith("/files/", StringComparison.Ordinal) ? path["/files/".Length..] : path;
            var reply = routes.TryGetValue(name, out var found) ? found : new Reply(404, Encoding.ASCII.GetBytes("not here"));
            var reason = reply.Status == 200 ? "OK" : "Not Found";
            var head = $"HTTP/1.1 {reply.Status} {reason}\r\nContent-Length: {reply.AnnouncedLength ?? reply.Body.Length}\r\n" +
                       "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                await stream.WriteAsync(reply.Body);
                await stream.FlushAsync();
            }
            catch (IOException)
            {
                // The client gave up first; nothing to do.
            }
        }
    }
}
