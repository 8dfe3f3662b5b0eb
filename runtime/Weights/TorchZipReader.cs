using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;

namespace ResNetGen.Weights;

/// <summary>
/// Reads the zip archive <c>torch.save</c> writes (PyTorch 1.6 and later): <c>{archive}/data.pkl</c>, a pickle of the
/// object, whose tensors point through persistent ids at the raw little-endian storages <c>{archive}/data/{key}</c>.
/// The archive's name (its first path component) varies with the file name it was saved under.
/// </summary>
internal static class TorchZipReader
{
    /// <summary>Largest <c>data.pkl</c> accepted; a resnet152 state_dict pickle is about 100 KB.</summary>
    internal const long MaxPickleBytes = 256L << 20;

    /// <summary>Keys under which checkpoints commonly nest the state_dict, in the order they are tried.</summary>
    internal static readonly string[] NestingKeys = ["state_dict", "model_state_dict", "model"];

    public static StateDict Read(Stream stream, string source, IReadOnlyList<StateDictEntry> expected, IProgress<LoadProgress>? progress)
    {
        CheckDirectorySize(stream, source, expected.Count);
        using ZipArchive archive = Zip(source, "its zip directory", () => new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true));
        Dictionary<string, ZipArchiveEntry> entries = Zip(source, "its zip directory", () => IndexEntries(archive, source));
        string prefix = FindArchivePrefix(entries, source);
        CheckByteOrder(entries, prefix, source);

        string pickleName = prefix + "data.pkl";
        ZipArchiveEntry pickleEntry = entries[pickleName];
        long pickleLength = RecordLength(pickleEntry, stream.Length, source);
        if (pickleLength > MaxPickleBytes)
        {
            throw new WeightLoadException(source, $"{source}: {pickleName} is {pickleLength} bytes, more than the {MaxPickleBytes} a state_dict needs.");
        }

        CheckExpansion(pickleLength, stream.Length, source);

        byte[] pickle = new byte[pickleLength];
        Zip(source, pickleName, () =>
        {
            using Stream s = pickleEntry.Open();
            LoadIO.ReadExactly(s, pickle, tracker: null, source, pickleName);
            return 0;
        });

        var storages = new Dictionary<string, StorageReference>(StringComparer.Ordinal);
        object? root = PickleReader.Load(
            pickle, source, pickleName, pid => PersistentLoad(pid, storages, source, pickleName), LoadLimits.MaxPickleAllocatedBytes(expected.Count));
        TensorReference[] wanted = BindStateDict(root, source, expected);
        float[][] data = Materialize(wanted, expected, entries, prefix, stream.Length, pickleLength, source, progress);
        var result = new StateDict(source);
        for (int e = 0; e < expected.Count; e++)
        {
            result.Add(expected[e].Name, new Tensor(wanted[e].Shape, data[e]));
        }

        return result;
    }

    /// <summary>
    /// Finds the state_dict in a pickled object (at the top level or nested under a checkpoint key), checks its keys and
    /// shapes against <paramref name="expected"/> strictly, and returns the tensor of each expected entry, in order.
    /// The zip format and the legacy format describe tensors in their pickles the same way, so both bind here.
    /// </summary>
    internal static TensorReference[] BindStateDict(object? root, string source, IReadOnlyList<StateDictEntry> expected)
    {
        (PickleDict dict, string location) = FindStateDict(root, source);

        var found = new List<FoundEntry>(dict.Count);
        var tensors = new List<TensorReference?>(dict.Count);
        foreach (KeyValuePair<object?, object?> item in dict.Items)
        {
            if (item.Key is not string name)
            {
                throw new WeightLoadException(source,
                    $"{source}: the state_dict{(location.Length > 0 ? " under " + location : "")} has a key that is {PickleReader.Describe(item.Key)}, not a string.");
            }

            var tensor = item.Value as TensorReference;
            tensors.Add(tensor);
            found.Add(new FoundEntry(name, tensor?.Shape, tensor is null ? PickleReader.Describe(item.Value) : null));
        }

        if (dict.Count > 0 && tensors.All(t => t is null))
        {
            string keys = string.Join(", ", found.Take(20).Select(f => $"'{f.Name}'")) + (found.Count > 20 ? ", ..." : "");
            throw new WeightLoadException(source,
                $"{source}: holds a dict{(location.Length > 0 ? " (under " + location + ")" : "")} without any tensors (keys: {keys}). " +
                $"A state_dict was looked for at the top level and under {string.Join(", ", NestingKeys.Select(k => $"'{k}'"))}; " +
                "save the weights with torch.save(model.state_dict(), path).");
        }

        int[] match = StateDictBinder.Match(source, found, expected, location);
        var wanted = new TensorReference[expected.Count];
        for (int e = 0; e < expected.Count; e++)
        {
            wanted[e] = tensors[match[e]]!;
        }

        return wanted;
    }

    /// <summary>Runs a <see cref="ZipArchive"/> operation, turning its exceptions about a damaged archive into ours.</summary>
    private static T Zip<T>(string source, string what, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException or OverflowException)
        {
            throw new WeightLoadException(source, $"{source}: is not a readable torch.save zip archive ({what}: {e.Message}). The file is truncated or damaged.", e);
        }
    }

    /// <summary>
    /// A record's uncompressed length, checked to be plausible before anything of that size is allocated: its compressed
    /// bytes must fit in the file, and no more than deflate's maximum ratio (about 1032:1) can come out of them.
    /// </summary>
    private static long RecordLength(ZipArchiveEntry entry, long streamLength, string source)
    {
        (long length, long compressed) = Zip(source, entry.FullName, () => (entry.Length, entry.CompressedLength));
        if (length < 0 || compressed < 0 || compressed > streamLength || length > (compressed * 1032) + 64)
        {
            throw new WeightLoadException(source,
                $"{source}: the zip record '{entry.FullName}' claims {length} bytes from {compressed} compressed bytes in a file of {streamLength}; " +
                "the file is damaged.");
        }

        return length;
    }

    /// <summary>
    /// Reads the end-of-central-directory record (and its zip64 twin) as <see cref="ZipArchive"/> will find it, and refuses
    /// a directory with more records or bytes than a torch archive could need before <see cref="ZipArchive"/> parses it.
    /// Anything unreadable here is left for <see cref="ZipArchive"/> to report.
    /// </summary>
    private static void CheckDirectorySize(Stream stream, string source, int expectedEntries)
    {
        long length = stream.Length;
        if (length < ZipLayout.EndRecordLength)
        {
            return;
        }

        int tailLength = (int)Math.Min(length, ZipLayout.EndRecordLength + ZipLayout.EndRecordMaxCommentLength + ZipLayout.Zip64LocatorLength);
        byte[] tail = new byte[tailLength];
        stream.Position = length - tailLength;
        stream.ReadExactly(tail);
        stream.Position = 0;

        // ZipArchive searches backwards from the last place a whole record fits.
        int at = tail.AsSpan(0, tailLength - ZipLayout.EndRecordLength + ZipLayout.EndRecordSignature.Length).LastIndexOf(ZipLayout.EndRecordSignature);
        if (at < 0)
        {
            return;
        }

        // ZipArchive takes the zip64 record's figures when there is one, and writers put 0xFFFF or 0xFFFFFFFF in the
        // classic record to say so; a file could also put small figures there and huge ones in the zip64 record.
        ReadOnlySpan<byte> end = tail.AsSpan(at);
        ulong classicCount = BinaryPrimitives.ReadUInt16LittleEndian(end.Slice(ZipLayout.EndRecordTotalEntries));
        ulong classicSize = BinaryPrimitives.ReadUInt32LittleEndian(end.Slice(ZipLayout.EndRecordDirectorySize));
        bool saturated = classicCount == ushort.MaxValue || classicSize == uint.MaxValue;
        (ulong count, ulong size) = saturated ? (0UL, 0UL) : (classicCount, classicSize);
        bool zip64Found = false;
        int locatorAt = at - ZipLayout.Zip64LocatorLength;
        if (locatorAt >= 0 && tail.AsSpan(locatorAt).StartsWith(ZipLayout.Zip64LocatorSignature))
        {
            ulong zip64At = BinaryPrimitives.ReadUInt64LittleEndian(tail.AsSpan(locatorAt + ZipLayout.Zip64LocatorRecordPosition));
            if (zip64At <= (ulong)(length - ZipLayout.Zip64RecordLength))
            {
                Span<byte> zip64 = stackalloc byte[ZipLayout.Zip64RecordLength];
                stream.Position = (long)zip64At;
                stream.ReadExactly(zip64);
                stream.Position = 0;
                if (zip64.StartsWith(ZipLayout.Zip64RecordSignature))
                {
                    zip64Found = true;
                    count = Math.Max(count, BinaryPrimitives.ReadUInt64LittleEndian(zip64.Slice(ZipLayout.Zip64RecordTotalEntries)));
                    size = Math.Max(size, BinaryPrimitives.ReadUInt64LittleEndian(zip64.Slice(ZipLayout.Zip64RecordDirectorySize)));
                }
            }
        }

        if (saturated && !zip64Found)
        {
            (count, size) = (classicCount, classicSize);
        }

        long maxCount = LoadLimits.MaxZipEntries(expectedEntries);
        long maxSize = LoadLimits.MaxCentralDirectoryBytes(expectedEntries);
        if (count > (ulong)maxCount || size > (ulong)maxSize)
        {
            throw new WeightLoadException(source,
                $"{source}: its zip directory claims {count:N0} records in {size:N0} bytes, more than a torch archive for {expectedEntries} tensors " +
                $"could need (at most {maxCount:N0} records and {maxSize:N0} bytes are read); the file is damaged or built to exhaust memory.");
        }
    }

    /// <summary>
    /// Refuses records whose uncompressed bytes would add up to more than <see cref="LoadLimits.MaxRecordBytes"/>: torch.save
    /// stores every record uncompressed, so only a zip bomb's deflated records can expand beyond the file itself.
    /// </summary>
    private static void CheckExpansion(long bytes, long streamLength, string source)
    {
        long max = LoadLimits.MaxRecordBytes(streamLength);
        if (bytes > max)
        {
            throw new WeightLoadException(source,
                $"{source}: its zip records would expand to {bytes:N0} bytes, more than twice the file's {streamLength:N0} bytes " +
                "(torch.save stores them uncompressed); the file is damaged or a zip bomb.");
        }
    }

    /// <summary>True for a record name that leaves the archive: a <c>..</c> component, an absolute path or a drive letter.</summary>
    private static bool LeavesArchive(string name) =>
        name.Length == 0
        || name[0] is '/' or '\\'
        || (name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0]))
        || name.Split('/', '\\').Any(part => part == "..");

    private static Dictionary<string, ZipArchiveEntry> IndexEntries(ZipArchive archive, string source)
    {
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (ZipArchiveEntry entry in archive.Entries)
        {
            if (LeavesArchive(entry.FullName))
            {
                throw new WeightLoadException(source,
                    $"{source}: the zip record '{PickleReader.Quote(entry.FullName)}' names a path outside the archive; torch.save never writes " +
                    "such names, so the file was refused (nothing is ever read from outside the file).");
            }

            if ((((uint)entry.ExternalAttributes >> ZipLayout.CentralHeaderUnixModeShift) & ZipLayout.UnixFileTypeMask) == ZipLayout.UnixSymbolicLink)
            {
                throw new WeightLoadException(source,
                    $"{source}: the zip record '{PickleReader.Quote(entry.FullName)}' is a symbolic link; torch.save never writes links, " +
                    "so the file was refused (nothing is ever read from outside the file).");
            }

            if (!entries.TryAdd(entry.FullName, entry))
            {
                throw new WeightLoadException(source, $"{source}: the zip archive holds the record '{entry.FullName}' twice; the file is damaged.");
            }
        }

        return entries;
    }

    /// <summary>Finds the one <c>{archive}/data.pkl</c>; explains TorchScript archives and other zips.</summary>
    private static string FindArchivePrefix(Dictionary<string, ZipArchiveEntry> entries, string source)
    {
        // TorchScript archives (torch.jit.save) have a data.pkl too, but it pickles the scripted module's class.
        if (entries.Keys.Any(n => n.EndsWith("/constants.pkl", StringComparison.Ordinal) || n.Contains("/code/", StringComparison.Ordinal)))
        {
            throw new WeightLoadException(source,
                $"{source}: is a TorchScript archive (torch.jit.save), which holds code as well as weights. " +
                "Save the weights with torch.save(model.state_dict(), path) and load that file.");
        }

        var pickles = entries.Keys
            .Where(n => n.EndsWith("/data.pkl", StringComparison.Ordinal) && n.IndexOf('/') == n.Length - "/data.pkl".Length)
            .ToList();
        if (pickles.Count == 1)
        {
            return pickles[0].Substring(0, pickles[0].Length - "data.pkl".Length);
        }

        if (pickles.Count > 1)
        {
            throw new WeightLoadException(source, $"{source}: the zip archive holds several torch archives ({string.Join(", ", pickles)}); expected one.");
        }

        throw new WeightLoadException(source,
            $"{source}: is a zip file but not one written by torch.save: it has no '<archive>/data.pkl' record.");
    }

    private static void CheckByteOrder(Dictionary<string, ZipArchiveEntry> entries, string prefix, string source)
    {
        if (!entries.TryGetValue(prefix + "byteorder", out ZipArchiveEntry? entry))
        {
            return; // torch before 2.1 writes no byteorder record; its storages are little-endian on every machine it runs on
        }

        string order = Zip(source, prefix + "byteorder", () =>
        {
            if (entry.Length > 16)
            {
                return "?";
            }

            var bytes = new byte[entry.Length];
            using Stream s = entry.Open();
            LoadIO.ReadExactly(s, bytes, tracker: null, source, prefix + "byteorder");
            return Encoding.ASCII.GetString(bytes).Trim();
        });
        if (order == "big")
        {
            throw new WeightLoadException(source,
                $"{source}: was written on a big-endian machine (its byteorder record says 'big'); only little-endian files are supported. " +
                "Load it with torch and save it again on a little-endian machine.");
        }

        if (order != "little")
        {
            throw new WeightLoadException(source, $"{source}: its byteorder record says '{order}', expected 'little'.");
        }
    }

    /// <summary>
    /// <c>('storage', torch.FloatStorage, key, location, numel)</c> → the storage, one object per key. The legacy format
    /// (<paramref name="legacy"/>) adds a sixth item, the view metadata, which torch writes as None for every storage of a
    /// state_dict; a storage view (a sub-range of another storage) is refused by name.
    /// </summary>
    internal static StorageReference PersistentLoad(PickleTuple pid, Dictionary<string, StorageReference> storages, string source, string pickleName, bool legacy = false)
    {
        object?[] items = pid.Items;
        if (legacy && items.Length == 6 && items[0] is "storage" && items[5] is not null)
        {
            throw new WeightLoadException(source,
                $"{source}: cannot read the pickle {pickleName}: a storage is a view of another storage (legacy view metadata), which is not " +
                "supported. Load the file with torch.load and save it again with torch.save(model.state_dict(), path).");
        }

        if (items.Length != (legacy ? 6 : 5) || items[0] is not "storage")
        {
            throw new WeightLoadException(source,
                $"{source}: cannot read the pickle {pickleName}: a persistent id is not of the form ('storage', type, key, location, numel{(legacy ? ", view" : "")}). " +
                "The file is damaged or was not written by torch.save(model.state_dict(), path).");
        }

        if (items[1] is not PickleGlobal { Kind: PickleGlobalKind.Storage } type
            || items[2] is not string key
            || items[3] is not string location
            || items[4] is not long count
            || count < 0
            || count > long.MaxValue / 8)
        {
            throw new WeightLoadException(source,
                $"{source}: cannot read the pickle {pickleName}: a storage's persistent id is malformed. The file is damaged.");
        }

        if (!IsPlainStorageKey(key))
        {
            throw new WeightLoadException(source,
                $"{source}: cannot read the pickle {pickleName}: a storage's persistent id names the record '{PickleReader.Quote(key)}', " +
                "which is not a plain name inside the archive's data/ folder (torch.save writes 0, 1, 2, ...); the file was refused.");
        }

        if (storages.TryGetValue(key, out StorageReference? existing))
        {
            if (existing.DType != type.StorageType || existing.ElementCount != count)
            {
                throw new WeightLoadException(source,
                    $"{source}: cannot read the pickle {pickleName}: storage '{key}' is described twice with different types or sizes. The file is damaged.");
            }

            return existing;
        }

        var storage = new StorageReference(key, type.StorageType, count, location);
        storages.Add(key, storage);
        return storage;
    }

    /// <summary>A storage key torch.save could have written: 1 to 64 letters, digits, '_', '-' or '.', and not "." or "..".</summary>
    internal static bool IsPlainStorageKey(string key) =>
        key.Length is > 0 and <= 64
        && key is not ("." or "..")
        && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    /// <summary>The top-level dict, or the dict nested under a checkpoint key such as <c>"state_dict"</c>.</summary>
    private static (PickleDict Dict, string Location) FindStateDict(object? root, string source)
    {
        if (root is not PickleDict dict)
        {
            throw new WeightLoadException(source,
                $"{source}: holds {PickleReader.Describe(root)} at the top level, not a state_dict (a dict of tensor names to tensors). " +
                "Save the weights with torch.save(model.state_dict(), path).");
        }

        string location = "";
        for (int depth = 0; depth < 4; depth++)
        {
            PickleDict? inner = null;
            foreach (string key in NestingKeys)
            {
                if (dict.TryGetValue(key, out object? value) && value is PickleDict nested)
                {
                    inner = nested;
                    location += $"[\"{key}\"]";
                    break;
                }
            }

            if (inner is null)
            {
                break;
            }

            dict = inner;
        }

        return (dict, location);
    }

    /// <summary>
    /// Reads every storage the wanted tensors use, once each, and converts the tensors to float32. Every record is found
    /// and checked before any is read.
    /// </summary>
    private static float[][] Materialize(
        TensorReference[] wanted,
        IReadOnlyList<StateDictEntry> expected,
        Dictionary<string, ZipArchiveEntry> entries,
        string prefix,
        long streamLength,
        long pickleLength,
        string source,
        IProgress<LoadProgress>? progress)
    {
        List<IGrouping<StorageReference, (TensorReference Tensor, int Index)>> groups = wanted
            .Select((tensor, index) => (Tensor: tensor, Index: index))
            .GroupBy(t => t.Tensor.Storage)
            .ToList();
        (Dictionary<StorageReference, ZipArchiveEntry> records, long total) = FindStorageRecords(groups, expected, entries, prefix, streamLength, pickleLength, source);

        var tracker = new ProgressTracker(progress, total);
        var result = new float[wanted.Length][];
        byte[]? scratch = null;
        foreach (var group in groups)
        {
            if (group.Key.ElementCount == 0)
            {
                foreach ((TensorReference tensor, int index) in group)
                {
                    result[index] = new float[tensor.ElementCount];
                }

                continue;
            }

            ReadStorage(records[group.Key], group.Key, group.ToList(), result, ref scratch, tracker, source);
        }

        return result;
    }

    /// <summary>
    /// The record of every non-empty storage, checked to exist, to hold the storage's bytes and to fit in memory, and the
    /// storages' total size, checked against <see cref="CheckExpansion"/>'s limit as it grows.
    /// </summary>
    private static (Dictionary<StorageReference, ZipArchiveEntry> Records, long Total) FindStorageRecords(
        List<IGrouping<StorageReference, (TensorReference Tensor, int Index)>> groups,
        IReadOnlyList<StateDictEntry> expected,
        Dictionary<string, ZipArchiveEntry> entries,
        string prefix,
        long streamLength,
        long pickleLength,
        string source)
    {
        var records = new Dictionary<StorageReference, ZipArchiveEntry>();
        long total = 0;
        foreach (var group in groups)
        {
            StorageReference storage = group.Key;
            if (storage.ElementCount == 0)
            {
                continue;
            }

            string name = prefix + "data/" + storage.Key;
            if (!entries.TryGetValue(name, out ZipArchiveEntry? entry))
            {
                throw new WeightLoadException(source,
                    $"{source}: the record '{name}' holding the storage of '{expected[group.First().Index].Name}' is missing; the file is damaged.");
            }

            long length = RecordLength(entry, streamLength, source);
            if (length < storage.ByteCount)
            {
                throw new WeightLoadException(source,
                    $"{source}: the record '{name}' holds {length} bytes, but its {WeightDTypes.TorchName(storage.DType)} storage of " +
                    $"{storage.ElementCount} elements needs {storage.ByteCount}; the file is truncated or damaged.");
            }

            if (storage.ByteCount > Array.MaxLength)
            {
                throw new WeightLoadException(source, $"{source}: the storage '{name}' of {storage.ByteCount} bytes is too large to load.");
            }

            records.Add(storage, entry);
            total += storage.ByteCount;
            CheckExpansion(pickleLength + total, streamLength, source);
        }

        return (records, total);
    }

    /// <summary>
    /// Reads one storage's record and fills <paramref name="result"/> for the tensors that view it. A storage that one
    /// tensor covers exactly (the usual case) is read straight into the tensor's array, converted chunk by chunk through
    /// <paramref name="scratch"/>; any other is read whole and each view gathered from it.
    /// </summary>
    private static void ReadStorage(
        ZipArchiveEntry entry,
        StorageReference storage,
        List<(TensorReference Tensor, int Index)> views,
        float[][] result,
        ref byte[]? scratch,
        ProgressTracker tracker,
        string source)
    {
        string name = entry.FullName;
        TensorReference first = views[0].Tensor;
        if (views.Count == 1 && first.Offset == 0 && first.ElementCount == storage.ElementCount && first.IsContiguous)
        {
            float[] floats = GC.AllocateUninitializedArray<float>(checked((int)first.ElementCount));
            byte[]? buffer = scratch;
            Zip(source, name, () =>
            {
                using Stream s = entry.Open();
                LoadIO.ReadConverted(s, storage.DType, floats, ref buffer, tracker, source, name);
                return 0;
            });
            scratch = buffer;
            result[views[0].Index] = floats;
            return;
        }

        var bytes = new byte[storage.ByteCount];
        Zip(source, name, () =>
        {
            using Stream s = entry.Open();
            LoadIO.ReadExactly(s, bytes, tracker, source, name);
            return 0;
        });
        foreach ((TensorReference tensor, int index) in views)
        {
            result[index] = StridedGather.ToFloat32(bytes, storage.DType, tensor.Offset, tensor.Shape, tensor.Strides);
        }
    }
}

/// <summary>Copies a strided view of a storage into a new contiguous float32 array, converting each element.</summary>
internal static class StridedGather
{
    /// <param name="storage">The storage bytes; the caller has checked that the view lies inside them.</param>
    /// <param name="dtype">The storage's element type.</param>
    /// <param name="offset">Element offset of the view.</param>
    /// <param name="shape">The view's shape.</param>
    /// <param name="strides">The view's strides in elements.</param>
    public static float[] ToFloat32(ReadOnlySpan<byte> storage, WeightDType dtype, long offset, int[] shape, long[] strides)
    {
        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
        }

        var result = new float[count];
        if (count == 0)
        {
            return result;
        }

        int size = WeightDTypes.Size(dtype);
        if (IsContiguous(shape, strides))
        {
            WeightDTypes.Convert(dtype, storage.Slice(checked((int)(offset * size))), result);
            return result;
        }

        int rank = shape.Length;
        int inner = shape[rank - 1];
        long innerStride = strides[rank - 1];
        var index = new int[rank];
        long written = 0;
        long rowStart = offset;
        while (written < count)
        {
            if (innerStride == 1)
            {
                // Rows of a view that skips whole rows or columns (e.g. a slice) are contiguous runs.
                WeightDTypes.Convert(dtype, storage.Slice(checked((int)(rowStart * size))), result.AsSpan(checked((int)written), inner));
                written += inner;
            }
            else
            {
                long at = rowStart;
                for (int i = 0; i < inner; i++, at += innerStride)
                {
                    result[written++] = WeightDTypes.ConvertOne(dtype, storage, at);
                }
            }

            // Advance the outer dimensions like an odometer.
            for (int d = rank - 2; d >= 0; d--)
            {
                index[d]++;
                rowStart += strides[d];
                if (index[d] < shape[d])
                {
                    break;
                }

                rowStart -= strides[d] * shape[d];
                index[d] = 0;
            }
        }

        return result;
    }

    private static bool IsContiguous(int[] shape, long[] strides)
    {
        long expected = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] != 1 && strides[d] != expected)
            {
                return false;
            }

            expected *= shape[d];
        }

        return true;
    }
}
