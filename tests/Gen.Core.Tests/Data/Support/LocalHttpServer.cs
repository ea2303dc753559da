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

    /// <summary>
    /// An answer: status, body, and the Content-Length to announce (the body's length when null); or, with
    /// <paramref name="Writer"/>, a body written as the writer likes (slowly, without end), announced as
    /// <paramref name="AnnouncedLength"/> or, when that is null, with no Content-Length at all (the body then ends when
    /// the connection closes).
    /// </summary>
    public sealed record Reply(int Status, byte[] Body, long? AnnouncedLength = null, Func<Stream, CancellationToken, Task>? Writer = null);

    public Uri BaseUri { get; }

    /// <summary>How many requests arrived.</summary>
    public int Requests => Volatile.Read(ref requests);

    /// <summary>Serves <paramref name="body"/> at BaseUri + <paramref name="name"/>.</summary>
    public void Serve(string name, byte[] body, long? announcedLength = null) => routes[name] = new Reply(200, body, announcedLength);

    /// <summary>
    /// Serves a body that <paramref name="writer"/> writes to the connection, announcing <paramref name="announcedLength"/>
    /// bytes, or no Content-Length when it is null. The writer's token is cancelled when the server stops; a write
    /// after the client has gone throws an IOException, which ends the answer.
    /// </summary>
    public void ServeStream(string name, Func<Stream, CancellationToken, Task> writer, long? announcedLength = null) =>
        routes[name] = new Reply(200, Array.Empty<byte>(), announcedLength, writer);

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
            var length = reply.Writer is null ? reply.AnnouncedLength ?? reply.Body.Length : reply.AnnouncedLength;
            var head = $"HTTP/1.1 {reply.Status} {reason}\r\n" + (length is long announced ? $"Content-Length: {announced}\r\n" : string.Empty) +
                       "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                if (reply.Writer is { } writer)
                {
                    await writer(stream, stop.Token);
                }
                else
                {
                    await stream.WriteAsync(reply.Body);
                }

                await stream.FlushAsync();
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The client gave up first, or the server is stopping; nothing to do.
            }
        }
    }
}
