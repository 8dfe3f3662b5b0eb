using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ResNetGen.Weights;

/// <summary>
/// A restricted unpickler for what a torch <c>state_dict</c> needs (protocols 2 to 5). It builds plain data
/// (<see cref="PickleDict"/>, <see cref="PickleList"/>, <see cref="PickleTuple"/>, numbers, strings) and the tensor
/// references that <c>torch._utils._rebuild_tensor_v2</c> describes. It never executes anything from the file:
/// the only callables are the handful in <see cref="ResolveGlobal"/>, implemented here, and every other global is
/// refused with an error that names it. Every length is checked against the bytes that remain, and the nesting
/// depth and memo size are bounded.
/// </summary>
/// <remarks>
/// A hostile pickle can also try to exhaust memory or time with valid opcodes: a few bytes can build an object per
/// byte, share one tuple so that it stands for 2^60 elements, or make the same long key be hashed millions of times.
/// So the reader measures what it allocates (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) against a budget, and
/// counts its work (one unit per opcode, plus the length of every dict key it hashes and every collection it copies)
/// against <see cref="MaxWork"/>. Reading a torchvision resnet152 checkpoint with its optimizer state (a 161 KB pickle)
/// allocates about 4 MB and takes well under a million units.
/// </remarks>
internal sealed class PickleReader
{
    /// <summary>Deepest MARK nesting accepted; a state_dict pickle uses three.</summary>
    internal const int MaxMarkDepth = 256;

    /// <summary>Deepest tuple nesting accepted.</summary>
    internal const int MaxTupleDepth = 64;

    /// <summary>Most memo entries accepted.</summary>
    internal const int MaxMemoEntries = 1 << 24;

    /// <summary>Most dimensions a tensor may have.</summary>
    internal const int MaxTensorRank = 16;

    /// <summary>Most units of work (opcodes, key characters hashed, elements copied) one pickle may take.</summary>
    internal const long MaxWork = 64L << 20;

    /// <summary>Longest global name, storage key or dict key quoted in a message.</summary>
    private const int QuoteLength = 120;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _data;
    private readonly string _source;
    private readonly string _recordName;
    private readonly Func<PickleTuple, object> _persistentLoad;
    private readonly long _maxAllocatedBytes;
    private readonly long _allocatedAtStart;
    private readonly Stack<List<object?>> _metastack = new();
    private readonly Dictionary<long, object?> _memo = new();
    private List<object?> _stack = new();
    private int _position;
    private int _opcodeStart;
    private long _work;

    private PickleReader(byte[] data, string source, string recordName, Func<PickleTuple, object> persistentLoad, long maxAllocatedBytes)
    {
        _data = data;
        _source = source;
        _recordName = recordName;
        _persistentLoad = persistentLoad;
        _maxAllocatedBytes = maxAllocatedBytes;
        _allocatedAtStart = GC.GetAllocatedBytesForCurrentThread();
    }

    /// <summary>Reads one pickled object.</summary>
    /// <param name="data">The pickle bytes.</param>
    /// <param name="source">The file, for messages.</param>
    /// <param name="recordName">The pickle's name inside the file (e.g. <c>archive/data.pkl</c>), for messages.</param>
    /// <param name="persistentLoad">Resolves a BINPERSID tuple; may throw <see cref="WeightLoadException"/>.</param>
    /// <param name="maxAllocatedBytes">Most managed memory the reader may allocate on this thread while reading.</param>
    /// <exception cref="WeightLoadException">The pickle is malformed, unsupported, references a refused global, or would
    /// take more memory or work than its budget.</exception>
    public static object? Load(byte[] data, string source, string recordName, Func<PickleTuple, object> persistentLoad, long maxAllocatedBytes) =>
        new PickleReader(data, source, recordName, persistentLoad, maxAllocatedBytes).Run();

    private object? Run()
    {
        while (true)
        {
            if (_position >= _data.Length)
            {
                throw Malformed("the pickle ends without a STOP opcode (the file is truncated or damaged)");
            }

            _opcodeStart = _position;
            Charge(1);
            Reserve(0);
            byte opcode = _data[_position++];
            if (opcode == PickleOpcode.Stop)
            {
                return Pop();
            }

            bool handled = ReadFraming(opcode) || ReadStackOpcode(opcode) || ReadScalar(opcode) || ReadText(opcode) || ReadTuple(opcode)
                || ReadListOrDict(opcode) || ReadGlobalOrCall(opcode) || ReadStateOrPersistentId(opcode) || ReadMemoOpcode(opcode);
            if (!handled)
            {
                throw Malformed($"pickle opcode 0x{opcode:x2} ('{(opcode is >= 0x20 and < 0x7f ? (char)opcode : '?')}') is not supported in a state_dict");
            }
        }
    }

    // Each handler below runs one family of opcodes and returns false for an opcode outside its family.

    /// <summary>PROTO and FRAME.</summary>
    private bool ReadFraming(byte opcode)
    {
        switch (opcode)
        {
            case PickleOpcode.Proto:
                byte protocol = ReadByte();
                if (protocol > 5)
                {
                    throw Malformed($"pickle protocol {protocol} is not supported (2 to 5 are)");
                }

                return true;
            case PickleOpcode.Frame: // a hint for buffered readers; the whole pickle is in memory already
                ulong frame = BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
                if (frame > (ulong)(_data.Length - _position))
                {
                    throw Malformed($"a FRAME of {frame} bytes runs past the end of the pickle");
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>MARK, POP, POP_MARK and DUP.</summary>
    private bool ReadStackOpcode(byte opcode)
    {
        switch (opcode)
        {
            case PickleOpcode.Mark:
                if (_metastack.Count >= MaxMarkDepth)
                {
                    throw Malformed($"MARKs nest deeper than {MaxMarkDepth}");
                }

                _metastack.Push(_stack);
                _stack = new List<object?>();
                return true;
            case PickleOpcode.Pop:
                if (_stack.Count > 0)
                {
                    Pop();
                }
                else
                {
                    PopMark();
                }

                return true;
            case PickleOpcode.PopMark:
                PopMark();
                return true;
            case PickleOpcode.Dup:
                Push(Peek());
                return true;
            default:
                return false;
        }
    }

    /// <summary>None, the booleans, the integers and the float.</summary>
    private bool ReadScalar(byte opcode)
    {
        switch (opcode)
        {
            case PickleOpcode.None:
                Push(null);
                return true;
            case PickleOpcode.NewTrue:
                Push(true);
                return true;
            case PickleOpcode.NewFalse:
                Push(false);
                return true;
            case PickleOpcode.BinInt:
                Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4)));
                return true;
            case PickleOpcode.BinInt1:
                Push((long)ReadByte());
                return true;
            case PickleOpcode.BinInt2:
                Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2)));
                return true;
            case PickleOpcode.Long1:
                Push(ReadLong(ReadByte()));
                return true;
            case PickleOpcode.Long4:
                Push(ReadLong(ReadLength(4)));
                return true;
            case PickleOpcode.BinFloat: // big-endian
                Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8)));
                return true;
            default:
                return false;
        }
    }

    /// <summary>Strings (UTF-8, and Python 2's Latin-1 <c>str</c>) and bytes.</summary>
    private bool ReadText(byte opcode)
    {
        switch (opcode)
        {
            case PickleOpcode.BinUnicode:
                Push(ReadUtf8(ReadLength(4)));
                return true;
            case PickleOpcode.ShortBinUnicode:
                Push(ReadUtf8(ReadByte()));
                return true;
            case PickleOpcode.BinUnicode8:
                Push(ReadUtf8(ReadLength(8)));
                return true;
            case PickleOpcode.BinString:
                Push(ReadLatin1(ReadLength(4)));
                return true;
            case PickleOpcode.ShortBinString:
                Push(ReadLatin1(ReadByte()));
                return true;
            case PickleOpcode.ShortBinBytes:
                Push(ReadBytes(ReadByte()));
                return true;
            case PickleOpcode.BinBytes:
                Push(ReadBytes(ReadLength(4)));
                return true;
            case PickleOpcode.BinBytes8:
                Push(ReadBytes(ReadLength(8)));
                return true;
            default:
                return false;
        }
    }

    /// <summary>EMPTY_TUPLE, TUPLE1 to TUPLE3 and TUPLE.</summary>
    private bool ReadTuple(byte opcode)
    {
        switch (opcode)
        {
            case PickleOpcode.EmptyTuple:
                Push(MakeTuple([]));
                return true;
            case PickleOpcode.Tuple1:
                Push(MakeTuple([Pop()]));
                return true;
            case PickleOpcode.Tuple2:
            {
                object? second = Pop();
                object? first = Pop();
                Push(MakeTuple([first, second]));
                return true;
            }

            case PickleOpcode.Tuple3:
            {
                object? third = Pop();
                object? second = Pop();
                object? first = Pop();
                Push(MakeTuple([first, second, third]));
                return true;
            }

            case PickleOpcode.Tuple:
            {
                List<object?> items = PopMark();
                Reserve(8L * items.Count);
                Push(MakeTuple(items.ToArray()));
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>Building lists (EMPTY_LIST, LIST, APPEND, APPENDS) and dicts (EMPTY_DICT, DICT, SETITEM, SETITEMS).</summary>
    private bool ReadListOrDict(byte opcode)
    {
        switch (opcode)
        {
            case PickleOpcode.EmptyList:
                Push(new PickleList());
                return true;
            case PickleOpcode.List:
            {
                var list = new PickleList();
                list.Items.AddRange(PopMark());
                Push(list);
                return true;
            }

            case PickleOpcode.Append:
            {
                object? item = Pop();
                PeekList().Items.Add(item);
                return true;
            }

            case PickleOpcode.Appends:
            {
                List<object?> items = PopMark();
                PeekList().Items.AddRange(items);
                return true;
            }

            case PickleOpcode.EmptyDict:
                Push(new PickleDict());
                return true;
            case PickleOpcode.Dict:
            {
                var dict = new PickleDict();
                SetItems(dict, PopMark());
                Push(dict);
                return true;
            }

            case PickleOpcode.SetItem:
            {
                object? value = Pop();
                object? key = Pop();
                SetItem(PeekDict(), key, value);
                return true;
            }

            case PickleOpcode.SetItems:
            {
                List<object?> items = PopMark();
                SetItems(PeekDict(), items);
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>GLOBAL and STACK_GLOBAL (resolved by <see cref="ResolveGlobal"/>), REDUCE, NEWOBJ and NEWOBJ_EX.</summary>
    private bool ReadGlobalOrCall(byte opcode)
    {
        switch (opcode)
        {
            case PickleOpcode.Global: // "module\nname\n"
            {
                string module = ReadLine();
                string name = ReadLine();
                Push(ResolveGlobal(module, name));
                return true;
            }

            case PickleOpcode.StackGlobal:
            {
                object? name = Pop();
                object? module = Pop();
                if (module is not string moduleName || name is not string globalName)
                {
                    throw Malformed("STACK_GLOBAL needs two strings");
                }

                Push(ResolveGlobal(moduleName, globalName));
                return true;
            }

            case PickleOpcode.Reduce:
            {
                object? arguments = Pop();
                object? callable = Pop();
                Push(Call(callable, arguments, "REDUCE"));
                return true;
            }

            case PickleOpcode.NewObj:
            {
                object? arguments = Pop();
                object? cls = Pop();
                Push(New(cls, arguments));
                return true;
            }

            case PickleOpcode.NewObjEx:
            {
                object? keywords = Pop();
                object? arguments = Pop();
                object? cls = Pop();
                if (keywords is not PickleDict { Count: 0 })
                {
                    throw Malformed("NEWOBJ_EX with keyword arguments is not supported");
                }

                Push(New(cls, arguments));
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>BUILD (accepted on a dict only, its state ignored) and BINPERSID (a tensor's storage).</summary>
    private bool ReadStateOrPersistentId(byte opcode)
    {
        switch (opcode)
        {
            case PickleOpcode.Build:
            {
                object? state = Pop();
                object? target = Peek();
                if (target is not PickleDict)
                {
                    throw Malformed($"BUILD on {TypeName(target)} is not supported in a state_dict");
                }

                // An OrderedDict's state is its instance __dict__ (a state_dict's `_metadata` with per-module versions),
                // which loading does not need.
                _ = state;
                return true;
            }

            case PickleOpcode.BinPersId:
            {
                object? pid = Pop();
                if (pid is not PickleTuple tuple)
                {
                    throw Malformed($"a persistent id must be a tuple, found {TypeName(pid)}");
                }

                Push(_persistentLoad(tuple));
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>BINPUT, LONG_BINPUT and MEMOIZE store the top of the stack in the memo; BINGET and LONG_BINGET push it back.</summary>
    private bool ReadMemoOpcode(byte opcode)
    {
        switch (opcode)
        {
            case PickleOpcode.BinPut:
                Put(ReadByte());
                return true;
            case PickleOpcode.LongBinPut:
                Put(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)));
                return true;
            case PickleOpcode.Memoize:
                Put(_memo.Count);
                return true;
            case PickleOpcode.BinGet:
                Get(ReadByte());
                return true;
            case PickleOpcode.LongBinGet:
                Get(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)));
                return true;
            default:
                return false;
        }
    }

    /// <summary>Counts <paramref name="units"/> of work and stops the read when the pickle has taken too much.</summary>
    private void Charge(long units)
    {
        _work += units;
        if (_work > MaxWork)
        {
            throw Malformed($"reading it takes more than {MaxWork:N0} steps (keys hashed and items copied included), far more than a " +
                            "state_dict needs; the pickle is built to exhaust the reader");
        }
    }

    /// <summary>Checks, before <paramref name="bytes"/> more are allocated, that the reader stays within its memory budget.</summary>
    private void Reserve(long bytes)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread() - _allocatedAtStart;
        if (allocated + bytes > _maxAllocatedBytes)
        {
            throw Malformed($"it builds more than {_maxAllocatedBytes:N0} bytes of objects, far more than a state_dict needs; " +
                            "the pickle is built to exhaust memory");
        }
    }

    /// <summary>A value from the file for a message: shortened, with control characters (NUL, newlines) escaped.</summary>
    internal static string Quote(string value)
    {
        string shown = value.Length <= QuoteLength ? value : value.Substring(0, QuoteLength);
        if (shown.Any(char.IsControl))
        {
            shown = string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        }

        return value.Length <= QuoteLength ? shown : shown + $"... ({value.Length:N0} characters)";
    }

    private WeightLoadException Malformed(string problem) =>
        new(_source, $"{_source}: cannot read the pickle {_recordName}: {problem} (at byte {_opcodeStart}). " +
                     "The file is damaged or was not written by torch.save(model.state_dict(), path).");

    private static string TypeName(object? value) => value switch
    {
        null => "None",
        bool => "a bool",
        long => "an int",
        double => "a float",
        string => "a str",
        byte[] => "bytes",
        PickleTuple => "a tuple",
        PickleList => "a list",
        PickleDict => "a dict",
        PickleGlobal g => g.FullName,
        StorageReference => "a storage",
        TensorReference => "a tensor",
        _ => value.GetType().Name,
    };

    private byte ReadByte()
    {
        if (_position >= _data.Length)
        {
            throw Malformed("the pickle ends in the middle of an opcode");
        }

        return _data[_position++];
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _data.Length - _position)
        {
            throw Malformed($"a length of {count} bytes runs past the end of the pickle ({_data.Length - _position} remain)");
        }

        var span = new ReadOnlySpan<byte>(_data, _position, count);
        _position += count;
        return span;
    }

    /// <summary>Reads a 4- or 8-byte little-endian length and checks it against the bytes that remain.</summary>
    private int ReadLength(int width)
    {
        ulong length = width == 4
            ? BinaryPrimitives.ReadUInt32LittleEndian(Take(4))
            : BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
        if (length > (ulong)(_data.Length - _position))
        {
            throw Malformed($"a length of {length} bytes runs past the end of the pickle ({_data.Length - _position} remain)");
        }

        return (int)length;
    }

    private long ReadLong(int byteCount)
    {
        if (byteCount > 8)
        {
            throw Malformed($"an integer of {byteCount} bytes is too large");
        }

        ReadOnlySpan<byte> bytes = Take(byteCount);
        if (byteCount == 0)
        {
            return 0;
        }

        Span<byte> padded = stackalloc byte[8];
        padded.Fill((bytes[^1] & 0x80) != 0 ? (byte)0xff : (byte)0);
        bytes.CopyTo(padded);
        return BinaryPrimitives.ReadInt64LittleEndian(padded);
    }

    private byte[] ReadBytes(int byteCount)
    {
        ReadOnlySpan<byte> bytes = Take(byteCount);
        Reserve(byteCount + 32L);
        return bytes.ToArray();
    }

    private string ReadLatin1(int byteCount)
    {
        ReadOnlySpan<byte> bytes = Take(byteCount);
        Reserve((2L * byteCount) + 32);
        return Encoding.Latin1.GetString(bytes);
    }

    private string ReadUtf8(int byteCount)
    {
        ReadOnlySpan<byte> bytes = Take(byteCount);
        Reserve((2L * byteCount) + 32);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (ArgumentException)
        {
            throw Malformed("a string is not valid UTF-8");
        }
    }

    private string ReadLine()
    {
        const int MaxLine = 512;
        int end = Array.IndexOf(_data, (byte)'\n', _position, Math.Min(MaxLine, _data.Length - _position));
        if (end < 0)
        {
            throw Malformed("a GLOBAL's name is not terminated by a newline");
        }

        string line = Encoding.ASCII.GetString(_data, _position, end - _position);
        _position = end + 1;
        return line;
    }

    private void Push(object? value) => _stack.Add(value);

    private object? Pop()
    {
        if (_stack.Count == 0)
        {
            throw Malformed("the stack is empty (or only a MARK is left)");
        }

        object? value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object? Peek()
    {
        if (_stack.Count == 0)
        {
            throw Malformed("the stack is empty (or only a MARK is left)");
        }

        return _stack[^1];
    }

    private PickleList PeekList() =>
        Peek() as PickleList ?? throw Malformed($"APPEND needs a list, found {TypeName(Peek())}");

    private PickleDict PeekDict() =>
        Peek() as PickleDict ?? throw Malformed($"SETITEM needs a dict, found {TypeName(Peek())}");

    private List<object?> PopMark()
    {
        if (_metastack.Count == 0)
        {
            throw Malformed("there is no MARK to pop to");
        }

        List<object?> items = _stack;
        _stack = _metastack.Pop();
        return items;
    }

    private void SetItems(PickleDict dict, List<object?> items)
    {
        if (items.Count % 2 != 0)
        {
            throw Malformed("SETITEMS needs an even number of items");
        }

        for (int i = 0; i < items.Count; i += 2)
        {
            SetItem(dict, items[i], items[i + 1]);
        }
    }

    private void SetItem(PickleDict dict, object? key, object? value)
    {
        Reserve(0); // SETITEMS and OrderedDict(pairs) add many items in one opcode
        // Hashing a key and comparing it with an equal one visit all of it: charge that first. A tuple that shares
        // sub-tuples through the memo can stand for 2^60 elements and is refused here, before it is walked.
        Charge(2 * key switch
        {
            string s => s.Length,
            byte[] b => b.Length,
            PickleTuple t => t.TreeSize,
            _ => 1,
        });
        switch (dict.Add(key, value))
        {
            case DictSetResult.Unhashable:
                throw Malformed($"{TypeName(key)} cannot be a dict key");
            case DictSetResult.Duplicate:
                throw Malformed($"one dict sets the key {DescribeKey(key)} twice; torch.save never writes that, and which value " +
                                "would count depends on the reader, so the file was refused");
        }
    }

    private static string DescribeKey(object? key) => key switch
    {
        string s => $"'{Quote(s)}'",
        bool b => b ? "True" : "False",
        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => TypeName(key),
    };

    private PickleTuple MakeTuple(object?[] items)
    {
        int depth = 1;
        foreach (object? item in items)
        {
            if (item is PickleTuple inner)
            {
                depth = Math.Max(depth, inner.Depth + 1);
            }
        }

        if (depth > MaxTupleDepth)
        {
            throw Malformed($"tuples nest deeper than {MaxTupleDepth}");
        }

        return new PickleTuple(items, depth);
    }

    private void Put(long index)
    {
        if (_memo.Count >= MaxMemoEntries && !_memo.ContainsKey(index))
        {
            throw Malformed($"the memo holds more than {MaxMemoEntries} entries");
        }

        _memo[index] = Peek();
    }

    private void Get(long index)
    {
        if (!_memo.TryGetValue(index, out object? value))
        {
            throw Malformed($"memo entry {index} is read before it is written");
        }

        Push(value);
    }

    /// <summary>The allow-list. Everything else is refused before it could be used, with a message naming it.</summary>
    private PickleGlobal ResolveGlobal(string module, string name)
    {
        switch (module, name)
        {
            case ("collections", "OrderedDict"):
                return new PickleGlobal(module, name, PickleGlobalKind.OrderedDict);
            case ("torch._utils", "_rebuild_tensor_v2"):
                return new PickleGlobal(module, name, PickleGlobalKind.RebuildTensorV2);
            case ("torch._utils", "_rebuild_tensor"):
                return new PickleGlobal(module, name, PickleGlobalKind.RebuildTensor);
            case ("torch._utils", "_rebuild_parameter"):
                return new PickleGlobal(module, name, PickleGlobalKind.RebuildParameter);
            case ("torch", "FloatStorage"):
                return new PickleGlobal(module, name, PickleGlobalKind.Storage, WeightDType.Float32);
            case ("torch", "HalfStorage"):
                return new PickleGlobal(module, name, PickleGlobalKind.Storage, WeightDType.Float16);
            case ("torch", "BFloat16Storage"):
                return new PickleGlobal(module, name, PickleGlobalKind.Storage, WeightDType.BFloat16);
            case ("torch", "DoubleStorage"):
                return new PickleGlobal(module, name, PickleGlobalKind.Storage, WeightDType.Float64);
            case ("torch", "LongStorage"):
                return new PickleGlobal(module, name, PickleGlobalKind.Storage, WeightDType.Int64);
            case ("torch", "IntStorage"):
                return new PickleGlobal(module, name, PickleGlobalKind.Storage, WeightDType.Int32);
        }

        string fullName = Quote(module + "." + name);
        if (module == "torch" && name.EndsWith("Storage", StringComparison.Ordinal))
        {
            throw new WeightLoadException(_source,
                $"{_source}: holds a tensor stored as {fullName}, which is not supported; weights load from float32, " +
                "float16, bfloat16 and float64 tensors and int64/int32 buffers. Convert it in PyTorch (e.g. tensor.float()) and save again.");
        }

        if (LooksLikeModelClass(module, name))
        {
            throw new WeightLoadException(_source,
                $"{_source}: holds a whole pickled model (its pickle references the class '{fullName}'), not a state_dict. " +
                "Rebuilding it would mean running code named by the file, so it was refused and nothing was executed. " +
                "Save the weights alone with torch.save(model.state_dict(), path) and load that file.");
        }

        throw new WeightLoadException(_source,
            $"{_source}: its pickle references the global '{fullName}', which a state_dict never needs; it was refused and " +
            "nothing from the file was executed. Only collections.OrderedDict, torch._utils._rebuild_tensor_v2 (and _rebuild_tensor), " +
            "torch._utils._rebuild_parameter and torch's typed storages (torch.FloatStorage, ...) are allowed. " +
            "If the file should hold weights, save them with torch.save(model.state_dict(), path).");
    }

    private static bool LooksLikeModelClass(string module, string name) =>
        module.StartsWith("torch.nn.modules", StringComparison.Ordinal)
        || module.StartsWith("torch.nn.parallel", StringComparison.Ordinal)
        || module.StartsWith("torchvision.", StringComparison.Ordinal)
        || module.StartsWith("timm.", StringComparison.Ordinal)
        || (module == "__main__" && name.Length > 0 && char.IsUpper(name[0]));

    private object New(object? cls, object? arguments)
    {
        if (cls is PickleGlobal { Kind: PickleGlobalKind.OrderedDict } && arguments is PickleTuple { Items.Length: 0 })
        {
            return new PickleDict();
        }

        throw Malformed($"NEWOBJ of {TypeName(cls)} is not supported in a state_dict");
    }

    private object Call(object? callable, object? arguments, string opcode)
    {
        if (callable is not PickleGlobal global)
        {
            throw Malformed($"{opcode} needs a callable, found {TypeName(callable)}");
        }

        if (arguments is not PickleTuple tuple)
        {
            throw Malformed($"{opcode} needs an argument tuple, found {TypeName(arguments)}");
        }

        object?[] args = tuple.Items;
        switch (global.Kind)
        {
            case PickleGlobalKind.OrderedDict:
                var dict = new PickleDict();
                if (args.Length == 1 && args[0] is PickleList pairs)
                {
                    Charge(pairs.Items.Count);
                    foreach (object? pair in pairs.Items)
                    {
                        IReadOnlyList<object?>? kv = pair switch
                        {
                            PickleTuple t => t.Items,
                            PickleList l => l.Items,
                            _ => null,
                        };
                        if (kv is not { Count: 2 })
                        {
                            throw Malformed("OrderedDict() needs (key, value) pairs");
                        }

                        SetItem(dict, kv[0], kv[1]);
                    }
                }
                else if (args.Length != 0)
                {
                    throw Malformed("OrderedDict() is called with unsupported arguments");
                }

                return dict;
            case PickleGlobalKind.RebuildTensorV2:
                if (args.Length is not (6 or 7))
                {
                    throw Malformed($"_rebuild_tensor_v2 needs 6 or 7 arguments, got {args.Length}");
                }

                return RebuildTensor(args, "_rebuild_tensor_v2");
            case PickleGlobalKind.RebuildTensor:
                if (args.Length != 4)
                {
                    throw Malformed($"_rebuild_tensor needs 4 arguments (storage, offset, size, stride), got {args.Length}");
                }

                return RebuildTensor(args, "_rebuild_tensor");
            case PickleGlobalKind.RebuildParameter:
                // _rebuild_parameter(data, requires_grad, backward_hooks): a Parameter is its data for inference.
                if (args.Length != 3 || args[0] is not TensorReference data)
                {
                    throw Malformed("_rebuild_parameter needs (tensor, requires_grad, backward_hooks)");
                }

                return data;
            default:
                throw Malformed($"{global.FullName} cannot be called");
        }
    }

    /// <summary>
    /// <c>_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])</c> or
    /// <c>_rebuild_tensor(storage, storage_offset, size, stride)</c> (the caller has checked the count), validated so that
    /// every element the view addresses lies inside the storage.
    /// </summary>
    private TensorReference RebuildTensor(object?[] args, string function)
    {
        if (args[0] is not StorageReference storage)
        {
            throw Malformed($"{function} needs a storage, found {TypeName(args[0])}");
        }

        if (args[1] is not long offset || offset < 0)
        {
            throw Malformed("a tensor's storage offset must be a non-negative int");
        }

        long[] sizes = ReadIntTuple(args[2], "size");
        long[] strides = ReadIntTuple(args[3], "stride");
        if (sizes.Length != strides.Length)
        {
            throw Malformed($"a tensor has {sizes.Length} sizes but {strides.Length} strides");
        }

        if (sizes.Length > MaxTensorRank)
        {
            throw Malformed($"a tensor has {sizes.Length} dimensions (at most {MaxTensorRank} are supported)");
        }

        var shape = new int[sizes.Length];
        long count = 1;
        long lastIndex = offset;
        for (int d = 0; d < sizes.Length; d++)
        {
            if (sizes[d] < 0 || sizes[d] > Array.MaxLength)
            {
                throw Malformed($"a tensor dimension of {sizes[d]} is out of range");
            }

            if (strides[d] < 0)
            {
                throw Malformed($"a negative stride ({strides[d]}) is not valid");
            }

            shape[d] = (int)sizes[d];
            count = Math.Min(count * sizes[d], (long)Array.MaxLength + 1); // cannot overflow: both factors ≤ 2^31
        }

        if (count > Array.MaxLength)
        {
            throw Malformed($"a tensor of shape {Tensor.FormatShape(shape)} has too many elements");
        }

        if (count > 0)
        {
            // The last element addressed: offset + Σ (size − 1) · stride, with overflow treated as out of range.
            for (int d = 0; d < sizes.Length; d++)
            {
                Int128 extent = (Int128)(sizes[d] - 1) * strides[d];
                Int128 sum = lastIndex + extent;
                lastIndex = sum >= storage.ElementCount ? long.MaxValue : (long)sum;
            }

            if (lastIndex >= storage.ElementCount)
            {
                throw Malformed(
                    $"a tensor of shape {Tensor.FormatShape(shape)} (offset {offset}, strides [{string.Join(", ", strides)}]) " +
                    $"reaches past the end of its storage '{storage.Key}' of {storage.ElementCount} elements");
            }
        }

        return new TensorReference(storage, offset, shape, strides, count);
    }

    private long[] ReadIntTuple(object? value, string what)
    {
        IReadOnlyList<object?>? items = value switch
        {
            PickleTuple t => t.Items,
            PickleList l => l.Items,
            _ => null,
        };
        if (items is null)
        {
            throw Malformed($"a tensor's {what} must be a tuple, found {TypeName(value)}");
        }

        if (items.Count > MaxTensorRank)
        {
            throw Malformed($"a tensor has {items.Count} dimensions (at most {MaxTensorRank} are supported)");
        }

        var result = new long[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            result[i] = items[i] is long l ? l : throw Malformed($"a tensor's {what} must hold ints, found {TypeName(items[i])}");
        }

        return result;
    }

    /// <summary>Formats a value's type for messages outside the reader.</summary>
    internal static string Describe(object? value) => TypeName(value);
}
