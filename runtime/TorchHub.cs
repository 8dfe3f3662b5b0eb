using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace ResNetGen;

/// <summary>
/// Downloads weight files into torch.hub's cache, as <c>torch.hub.load_state_dict_from_url</c> does, so that PyTorch and
/// ResNetGen share one copy of each file.
/// </summary>
/// <remarks>
/// <para>The cache is <c>$TORCH_HOME/hub/checkpoints</c>; without <c>TORCH_HOME</c>, <c>$XDG_CACHE_HOME/torch/hub/checkpoints</c>;
/// without either, <c>~/.cache/torch/hub/checkpoints</c> (torch.hub's rule, read from the environment at each call; a
/// leading <c>~</c> is the user's home; an empty variable counts as unset). A file is named by the last segment of its
/// URL's path.</para>
/// <para>A file already in the cache is used as it is, without the network (torch.hub does not check it again either).
/// Otherwise it is downloaded into a temporary file beside its place (<c>name.&lt;random&gt;.partial</c>), its SHA-256
/// computed on the way; when the name carries a SHA-256 prefix (the <c>-([a-f0-9]*)\.</c> group of torch.hub's check,
/// <c>resnet50-11ad3fa6.pth</c>: <c>11ad3fa6</c>) the digest must start with it. Only a complete, verified file is moved
/// into place, so a cut connection, a wrong file or a cancellation leaves nothing in the cache.</para>
/// <para>Every failure (no network, a refused connection, an HTTP error, a cut connection, a wrong digest) is one
/// <see cref="WeightLoadException"/> whose message names the URL and the exact path where a copy fetched another way would
/// be used. A stall of <see cref="StallTimeout"/> without data counts as a failure.</para>
/// </remarks>
public static partial class TorchHub
{
    /// <summary>How long a download may go without receiving a byte before it is abandoned.</summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);

    private const int ChunkBytes = 1 << 16;
    private const long ProgressStep = 1 << 20;

    private static readonly Lazy<HttpClient> Client = new(() =>
    {
        var client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(30), AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = Timeout.InfiniteTimeSpan, // each read has StallTimeout instead: a large file may take long, but not stall
        };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("ResNetGen/" + typeof(TorchHub).Assembly.GetName().Version?.ToString(3));
        return client;
    });

    /// <summary>torch.hub's directory: <c>$TORCH_HOME/hub</c>, by default <c>~/.cache/torch/hub</c> (see the remarks).</summary>
    public static string HubDirectory => Path.Combine(TorchHome(), "hub");

    /// <summary>Where downloaded weight files are kept: <see cref="HubDirectory"/>/checkpoints.</summary>
    public static string CheckpointsDirectory => Path.Combine(HubDirectory, "checkpoints");

    /// <summary>The cache path of the file at <paramref name="url"/>: <see cref="CheckpointsDirectory"/> and the URL's file name.</summary>
    /// <param name="url">An absolute http(s) URL whose path ends in a file name.</param>
    /// <exception cref="ArgumentException">The URL is not absolute http(s), or its path has no file name.</exception>
    public static string CachedPath(Uri url) => Path.Combine(CheckpointsDirectory, FileNameOf(url));

    /// <summary>
    /// The SHA-256 prefix a file name carries by torch.hub's convention: the hex digits of the first <c>-([a-f0-9]*)\.</c>
    /// match (<c>resnet18-f37072fd.pth</c>: <c>f37072fd</c>); null when there is none, or it is empty.
    /// </summary>
    /// <param name="fileName">A file name, e.g. <c>resnet50-11ad3fa6.pth</c>.</param>
    public static string? HashPrefix(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        Match match = HashPattern().Match(fileName);
        return match.Success && match.Groups[1].Length > 0 ? match.Groups[1].Value : null;
    }

    /// <summary>
    /// Returns the cache path of the file at <paramref name="url"/>, downloading and checking it first unless it is already
    /// there (see the remarks of <see cref="TorchHub"/>).
    /// </summary>
    /// <param name="url">An absolute http(s) URL whose path ends in a file name.</param>
    /// <param name="progress">Receives the bytes received so far and the total, when there is a download; may be null.</param>
    /// <param name="cancellationToken">Stops the download; the partial file is deleted.</param>
    /// <returns>The file's path in the cache.</returns>
    /// <exception cref="WeightLoadException">The file could not be downloaded, or its digest does not match its name; the
    /// message names the URL and the path where a copy fetched another way would be used.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<string> DownloadAsync(Uri url, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        string fileName = FileNameOf(url);
        string directory = CheckpointsDirectory;
        string path = Path.Combine(directory, fileName);
        if (File.Exists(path))
        {
            return path;
        }

        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WeightLoadException(url.ToString(),
                $"{url}: cannot be downloaded: the cache folder {directory} cannot be created ({e.Message}). " +
                "Set TORCH_HOME to a folder you can write to.", e);
        }

        string partial = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            await FetchAsync(url, partial, HashPrefix(fileName), path, progress, cancellationToken).ConfigureAwait(false);
            File.Move(partial, path, overwrite: true); // another process may have put the same verified file there meanwhile
            return path;
        }
        finally
        {
            TryDelete(partial);
        }
    }

    /// <summary>The synchronous form of <see cref="DownloadAsync"/>.</summary>
    /// <param name="url">An absolute http(s) URL whose path ends in a file name.</param>
    /// <param name="progress">Receives the bytes received so far and the total, when there is a download; may be null.</param>
    /// <param name="cancellationToken">Stops the download; the partial file is deleted.</param>
    /// <returns>The file's path in the cache.</returns>
    /// <exception cref="WeightLoadException">The file could not be downloaded, or its digest does not match its name.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static string Download(Uri url, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        string path = CachedPath(url);
        // Off the caller's synchronization context, so that a UI thread waiting here cannot deadlock the download.
        return File.Exists(path) ? path : Task.Run(() => DownloadAsync(url, progress, cancellationToken), cancellationToken).GetAwaiter().GetResult();
    }

    /// <summary>The last segment of the URL's path, as torch.hub names the file (<c>os.path.basename(urlparse(url).path)</c>).</summary>
    internal static string FileNameOf(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{url}' is not an http or https URL.", nameof(url));
        }

        string name = url.AbsolutePath[(url.AbsolutePath.LastIndexOf('/') + 1)..];
        if (name.Length == 0 || name is "." or ".." || name.Contains('\\'))
        {
            throw new ArgumentException($"'{url}' does not end in a file name, which names the file in torch.hub's cache.", nameof(url));
        }

        return name;
    }

    /// <summary>torch's <c>_get_torch_home()</c>: TORCH_HOME, else XDG_CACHE_HOME/torch, else ~/.cache/torch.</summary>
    private static string TorchHome()
    {
        string? torchHome = Environment.GetEnvironmentVariable("TORCH_HOME");
        if (!string.IsNullOrEmpty(torchHome))
        {
            return ExpandUser(torchHome);
        }

        string? cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        return ExpandUser(Path.Combine(string.IsNullOrEmpty(cache) ? "~/.cache" : cache, "torch"));
    }

    /// <summary>Python's <c>os.path.expanduser</c> for a leading <c>~</c> or <c>~/</c>.</summary>
    private static string ExpandUser(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            string home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return path.Length == 1 ? home : Path.Combine(home, path[2..]);
        }

        return path;
    }

    private static async Task FetchAsync(Uri url, string partial, string? hashPrefix, string path, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        string manual = $" To use a copy fetched another way, put it at {path}; it is used from there without a download.";
        long received = 0;
        long? total = null;
        bool writing = false;
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            stall.CancelAfter(StallTimeout);
            using HttpResponseMessage response = await Client.Value.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, stall.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new WeightLoadException(url.ToString(),
                    $"{url}: cannot be downloaded: the server answered {(int)response.StatusCode} {response.ReasonPhrase}.{manual}");
            }

            total = response.Content.Headers.ContentLength;
            progress?.Report(new DownloadProgress(0, total));
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            writing = true;
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, ChunkBytes, useAsync: true))
            {
                writing = false;
                await using Stream body = await response.Content.ReadAsStreamAsync(stall.Token).ConfigureAwait(false);
                byte[] buffer = new byte[ChunkBytes];
                long reported = 0;
                while (true)
                {
                    stall.CancelAfter(StallTimeout);
                    int read = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    hash.AppendData(buffer, 0, read);
                    writing = true;
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    writing = false;
                    received += read;
                    if (received - reported >= ProgressStep)
                    {
                        reported = received;
                        progress?.Report(new DownloadProgress(received, total));
                    }
                }
            }

            Verify(url, received, total, hash, hashPrefix, manual);
            progress?.Report(new DownloadProgress(received, total));
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WeightLoadException(url.ToString(),
                $"{url}: cannot be downloaded: no data came for {StallTimeout.TotalSeconds:F0} s{Received(received, total)}.{manual}", e);
        }
        catch (HttpRequestException e)
        {
            string what = received > 0 || total is not null
                ? $"the connection was cut{Received(received, total)} ({e.Message})"
                : $"{e.Message}{(e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? " " + inner.Message : "")}";
            throw new WeightLoadException(url.ToString(), $"{url}: cannot be downloaded: {what}; nothing was kept.{manual}", e);
        }
        catch (IOException e) when (writing)
        {
            throw new WeightLoadException(url.ToString(),
                $"{url}: cannot be downloaded: writing {partial} failed{Received(received, total)} ({e.Message}); nothing was kept.{manual}", e);
        }
        catch (IOException e)
        {
            throw new WeightLoadException(url.ToString(),
                $"{url}: cannot be downloaded: the connection was cut{Received(received, total)} ({e.Message}); nothing was kept.{manual}", e);
        }
    }

    /// <summary>A complete download: as many bytes as the server announced, and a SHA-256 that starts with the prefix the file name carries.</summary>
    private static void Verify(Uri url, long received, long? total, IncrementalHash hash, string? hashPrefix, string manual)
    {
        if (total is long expected && received != expected)
        {
            throw new WeightLoadException(url.ToString(),
                $"{url}: the download ended after {received:N0} of {expected:N0} bytes; nothing was kept.{manual}");
        }

        string digest = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (hashPrefix is not null && !digest.StartsWith(hashPrefix, StringComparison.Ordinal))
        {
            throw new WeightLoadException(url.ToString(),
                $"{url}: the downloaded file's SHA-256 is {digest}, which does not start with '{hashPrefix}' as its name says; " +
                $"it is not the file the name promises (or it was damaged on the way); nothing was kept.{manual}");
        }
    }

    private static string Received(long received, long? total) =>
        string.Create(CultureInfo.InvariantCulture, $" after {received:N0}{(total is long t ? $" of {t:N0}" : "")} bytes");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more can be done; the name ends in .partial, which nothing reads.
        }
    }

    [GeneratedRegex(@"-([a-f0-9]*)\.", RegexOptions.CultureInvariant)]
    private static partial Regex HashPattern();
}
