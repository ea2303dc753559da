using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace HostileProbes.Downloads;

/// <summary>
/// An HTTP server on 127.0.0.1 (a free port) over a raw socket rather than <c>HttpListener</c>, so that it can
/// misbehave in ways a real server would not let it: drip bytes, lie about lengths, send no headers, malformed heads or
/// endless chunks, and reset the connection. Every request is answered by the same behaviour, given the connection's
/// stream and socket after the request head has been read.
/// </summary>
internal sealed class HostileServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Func<NetworkStream, Socket, string, CancellationToken, Task> answer;
    private int requests;

    public HostileServer(Func<NetworkStream, Socket, string, CancellationToken, Task> answer)
    {
        this.answer = answer;
        listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/files/");
        _ = Task.Run(AcceptLoop);
    }

    /// <summary>The mirror's address; files are asked for below it.</summary>
    public Uri BaseUri { get; }

    /// <summary>How many requests arrived.</summary>
    public int Requests => Volatile.Read(ref requests);

    /// <summary>An address on 127.0.0.1 where nothing listens: the port was bound, then released.</summary>
    public static Uri Closed()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri($"http://127.0.0.1:{port}/files/");
    }

    /// <summary>A status line and headers, with Content-Length when <paramref name="length"/> is given.</summary>
    public static byte[] Head(int status, string reason, long? length, string extra = "") =>
        Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {reason}\r\n" + (length is long n ? $"Content-Length: {n}\r\n" : "") + extra +
                                "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n");

    /// <summary>Closes the connection with a reset (RST) instead of an orderly close.</summary>
    public static void Reset(Socket socket)
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
    }

    private async Task AcceptLoop()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => Serve(socket));
        }
    }

    private async Task Serve(Socket socket)
    {
        try
        {
            using var stream = new NetworkStream(socket, ownsSocket: true);
            var head = new StringBuilder();
            var buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                int n = await stream.ReadAsync(buffer, stop.Token);
                if (n == 0)
                {
                    return;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            Interlocked.Increment(ref requests);
            await answer(stream, socket, head.ToString().Split(' ')[1], stop.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client gave up, or the server stops: the misbehaviour is over.
        }
    }
}
