using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using ResNetGen.Weights;

namespace ResNetGen;

/// <summary>
/// Loads a torchvision-style <c>state_dict</c> from a PyTorch <c>.pth</c> file (the zip archive <c>torch.save</c>
/// writes since PyTorch 1.6, or the legacy format it wrote before) or a <c>.safetensors</c> file, from a path, a stream
/// or a URL (downloaded once into torch.hub's cache, see <see cref="TorchHub"/>), without Python, and binds it strictly
/// to a network's manifest like <c>load_state_dict(strict=True)</c>.
/// </summary>
/// <remarks>
/// <para>The format is detected from the content, not the file name. Tensors stored as float32, float16, bfloat16 or
/// float64 are converted to float32 exactly as torch's <c>.float()</c> converts them; int64 buffers such as
/// <c>num_batches_tracked</c> become float32 scalars. Views (storage offsets, strides) and storages shared by several
/// tensors are supported.</para>
/// <para>Loading an untrusted <c>.pth</c> file is safe: the pickle inside is read by a restricted reader that
/// understands only the few globals a <c>state_dict</c> uses and refuses every other one (<c>os.system</c>, a model
/// class, ...) with a <see cref="WeightLoadException"/> that names it. Nothing from the file is ever executed.</para>
/// <para>Accepted as well: keys carrying the <c>module.</c> prefix that <c>DataParallel</c> adds, and checkpoints that
/// nest the <c>state_dict</c> under <c>"state_dict"</c>, <c>"model_state_dict"</c> or <c>"model"</c>.</para>
/// </remarks>
public static partial class StateDictLoader
{
    /// <summary>Loads the tensors of <paramref name="expected"/> from the file at <paramref name="path"/>.</summary>
    /// <param name="path">A <c>.pth</c> (torch.save's zip or legacy format) or <c>.safetensors</c> file.</param>
    /// <param name="expected">The network's manifest (e.g. a generated class's <c>Parameters</c>): names and shapes, in order.</param>
    /// <param name="progress">Receives the bytes of tensor data read so far while the storages are read; optional.</param>
    /// <returns>Exactly the expected keys, in the expected order, as float32 tensors; <see cref="StateDict.Source"/> is <paramref name="path"/>.</returns>
    /// <exception cref="WeightLoadException">There is no file at <paramref name="path"/> or it cannot be opened, or it is damaged
    /// or unsupported, refers to a refused global, or does not match <paramref name="expected"/>; the message names the file
    /// and what to do, and <see cref="Exception.InnerException"/> keeps the I/O exception when there was one.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="expected"/> names a key twice.</exception>
    public static StateDict Load(string path, IReadOnlyList<StateDictEntry> expected, IProgress<LoadProgress>? progress = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        StateDictBinder.ValidateExpected(expected, nameof(expected));
        using FileStream stream = Open(path);
        return LoadCore(stream, expected, path, progress);
    }

    /// <summary>Loads the tensors of <paramref name="expected"/> from <paramref name="stream"/>, which is left open.</summary>
    /// <param name="stream">The content of a <c>.pth</c> or <c>.safetensors</c> file, from its current position. A stream that
    /// cannot seek (or does not start at position 0) is first copied to memory.</param>
    /// <param name="expected">The network's manifest (e.g. a generated class's <c>Parameters</c>): names and shapes, in order.</param>
    /// <param name="source">Names the stream in error messages and in <see cref="StateDict.Source"/>, e.g. its file name.</param>
    /// <param name="progress">Receives the bytes of tensor data read so far while the storages are read; optional.</param>
    /// <returns>Exactly the expected keys, in the expected order, as float32 tensors.</returns>
    /// <exception cref="WeightLoadException">The content is damaged or unsupported, refers to a refused global, or does not match
    /// <paramref name="expected"/>; the message names <paramref name="source"/> and what to do.</exception>
    /// <exception cref="ArgumentException">The stream cannot be read, or <paramref name="expected"/> names a key twice.</exception>
    public static StateDict Load(Stream stream, IReadOnlyList<StateDictEntry> expected, string source = "stream", IProgress<LoadProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        StateDictBinder.ValidateExpected(expected, nameof(expected));
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        }

        if (stream.CanSeek && stream.Position == 0)
        {
            return LoadCore(stream, expected, source, progress);
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return LoadCore(copy, expected, source, progress);
    }

    /// <summary>
    /// Checks tensors already in memory as strictly as a file: exactly the keys of <paramref name="expected"/> with
    /// their shapes (a <c>module.</c> prefix on every key is stripped), and returns them in the expected order.
    /// </summary>
    /// <exception cref="WeightLoadException">Keys are missing or unexpected, or shapes differ; the message lists all, naming <see cref="StateDict.Source"/>.</exception>
    public static StateDict Bind(StateDict weights, IReadOnlyList<StateDictEntry> expected)
    {
        ArgumentNullException.ThrowIfNull(weights);
        StateDictBinder.ValidateExpected(expected, nameof(expected));
        var found = new List<FoundEntry>(weights.Count);
        var tensors = new List<Tensor>(weights.Count);
        foreach (KeyValuePair<string, Tensor> pair in weights)
        {
            found.Add(new FoundEntry(pair.Key, pair.Value.Shape.ToArray(), null));
            tensors.Add(pair.Value);
        }

        int[] match = StateDictBinder.Match(weights.Source, found, expected, string.Empty);
        var bound = new StateDict(weights.Source);
        for (int i = 0; i < expected.Count; i++)
        {
            bound.Add(expected[i].Name, tensors[match[i]]);
        }

        return bound;
    }

    /// <summary>Opens the weight file; every way that can fail is a <see cref="WeightLoadException"/> naming the path.</summary>
    private static FileStream Open(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            string where = Path.IsPathFullyQualified(path) ? "" : $" (looked for {Path.GetFullPath(path)})";
            throw new WeightLoadException(path, $"{path}: there is no such file{where}.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new WeightLoadException(path, $"{path}: cannot be opened ({e.Message}).", e);
        }
    }

    /// <summary>Detects the format and reads; <paramref name="stream"/> is seekable and positioned at 0.</summary>
    private static StateDict LoadCore(Stream stream, IReadOnlyList<StateDictEntry> expected, string source, IProgress<LoadProgress>? progress)
    {
        try
        {
            Span<byte> head = stackalloc byte[16];
            int length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            head = head.Slice(0, length);
            stream.Position = 0;

            if (length == 0)
            {
                throw new WeightLoadException(source, $"{source}: the file is empty.");
            }

            if (head.StartsWith(ZipLayout.LocalFileHeaderSignature) || head.StartsWith(ZipLayout.EndRecordSignature))
            {
                return TorchZipReader.Read(stream, source, expected, progress);
            }

            if (head.StartsWith(LegacyTorchReader.Signature))
            {
                return LegacyTorchReader.Read(stream, source, expected, progress);
            }

            if (head[0] == 0x80)
            {
                throw new WeightLoadException(source,
                    $"{source}: is a bare pickle, neither the zip archive torch.save writes nor its legacy format. Save the weights with " +
                    "torch.save(model.state_dict(), path).");
            }

            if (length >= 9 && head[8] == (byte)'{')
            {
                return SafetensorsReader.Read(stream, source, expected, progress);
            }

            throw new WeightLoadException(source,
                $"{source}: is neither a PyTorch .pth file (torch.save's zip format) nor a .safetensors file " +
                $"(it starts with {Convert.ToHexString(head.Slice(0, Math.Min(8, length)))}).");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or OverflowException
                                      or IndexOutOfRangeException or ArgumentException or JsonException or DecoderFallbackException)
        {
            throw new WeightLoadException(source, $"{source}: cannot be read ({e.GetType().Name}: {e.Message}); the file is damaged or truncated.", e);
        }
    }
}
