using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ResNetGen.Tests.Pretrained;

/// <summary>
/// A small HTTP/1.1 server on 127.0.0.1 in the test process, so downloads go through a real socket and .NET's real
/// HttpClient: it serves files by path, answers 404 for anything else, and can cut a response short on purpose.
/// </summary>
internal sealed class LocalHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, Route> _routes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    public LocalHttpServer()
    {
        _listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/models/");
        _loop = Task.Run(AcceptLoop);
    }

    /// <summary>Where the files are served: <c>http://127.0.0.1:PORT/models/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>Requests answered so far, whatever their outcome.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The URL of a file name under <see cref="BaseUri"/>.</summary>
    public Uri UrlOf(string fileName) => new(BaseUri, fileName);

    /// <summary>Serves <paramref name="content"/> at <see cref="BaseUri"/> + <paramref name="fileName"/>.</summary>
    /// <param name="cutAfter">Send only this many bytes, then drop the connection (a reset when the length was announced,
    /// a clean close otherwise, which looks like the end of the file).</param>
    /// <param name="announceLength">Send a Content-Length header (otherwise the end of the connection ends the body).</param>
    public Uri Serve(string fileName, byte[] content, long? cutAfter = null, bool announceLength = true)
    {
        _routes[UrlOf(fileName).AbsolutePath] = new Route(content, cutAfter, announceLength);
        return UrlOf(fileName);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The accept loop ends with the listener.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
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
            try
            {
                NetworkStream stream = client.GetStream();
                string? path = await ReadRequestPath(stream);
                Interlocked.Increment(ref _requests);
                if (path is null || !_routes.TryGetValue(path, out Route? route))
                {
                    await Write(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found");
                    return;
                }

                string length = route.AnnounceLength ? $"Content-Length: {route.Content.Length}\r\n" : "";
                await Write(stream, $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n{length}Connection: close\r\n\r\n");
                int send = (int)Math.Min(route.Content.Length, route.CutAfter ?? long.MaxValue);
                await stream.WriteAsync(route.Content.AsMemory(0, send));
                await stream.FlushAsync();
                if (route.CutAfter is not null && route.AnnounceLength)
                {
                    client.Client.LingerState = new LingerOption(true, 0); // a reset, as when a connection drops
                }
            }
            catch (IOException)
            {
                // The client went away; nothing to answer.
            }
        }
    }

    private static async Task<string?> ReadRequestPath(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && head.Length < 16384)
        {
            if (await stream.ReadAsync(buffer) == 0)
            {
                return null;
            }

            head.Append((char)buffer[0]);
        }

        string[] requestLine = head.ToString().Split("\r\n")[0].Split(' ');
        return requestLine.Length >= 2 && requestLine[0] == "GET" ? requestLine[1] : null;
    }

    private static Task Write(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    private sealed record Route(byte[] Content, long? CutAfter, bool AnnounceLength);
}
