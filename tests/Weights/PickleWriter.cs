using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace ResNetGen.Tests.Weights;

/// <summary>Writes pickle opcodes by hand, to build the damaged and hostile pickles the loader must refuse.</summary>
public sealed class PickleWriter
{
    private readonly MemoryStream _bytes = new();

    public PickleWriter Op(params byte[] bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    public PickleWriter Proto(byte version = 2) => Op(0x80, version);

    public PickleWriter Mark() => Op((byte)'(');

    public PickleWriter Stop() => Op((byte)'.');

    public PickleWriter Global(string module, string name) => Op((byte)'c').Op(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));

    public PickleWriter Str(string value)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        return Op((byte)'X').Op(BitConverter.GetBytes(utf8.Length)).Op(utf8);
    }

    public PickleWriter Int(int value) => Op((byte)'J').Op(BitConverter.GetBytes(value));

    public PickleWriter Long(long value) => Op(0x8a, 8).Op(BitConverter.GetBytes(value));

    public PickleWriter False() => Op(0x89);

    public PickleWriter EmptyTuple() => Op((byte)')');

    public PickleWriter Tuple() => Op((byte)'t');

    public PickleWriter EmptyDict() => Op((byte)'}');

    public PickleWriter SetItems() => Op((byte)'u');

    public PickleWriter Reduce() => Op((byte)'R');

    public PickleWriter IntTuple(IEnumerable<long> values)
    {
        Mark();
        foreach (long v in values)
        {
            Long(v);
        }

        return Tuple();
    }

    /// <summary>
    /// <c>_rebuild_tensor_v2(('storage', torch.{storageType}, key, 'cpu', numel), offset, shape, strides, False, OrderedDict())</c>.
    /// </summary>
    public PickleWriter Tensor(string storageType, string key, long numel, long offset, long[] shape, long[] strides)
    {
        Global("torch._utils", "_rebuild_tensor_v2").Mark();
        Mark().Str("storage").Global("torch", storageType).Str(key).Str("cpu").Long(numel).Tuple().Op((byte)'Q');
        Long(offset).IntTuple(shape).IntTuple(strides).False().Global("collections", "OrderedDict").EmptyTuple().Reduce();
        return Tuple().Reduce();
    }

    /// <summary>A whole state_dict pickle: <c>{name: tensor, ...}</c> with the given tensor writers.</summary>
    public static byte[] StateDict(params (string Name, Action<PickleWriter> Value)[] items)
    {
        var w = new PickleWriter().Proto().EmptyDict().Mark();
        foreach ((string name, Action<PickleWriter> value) in items)
        {
            w.Str(name);
            value(w);
        }

        return w.SetItems().Stop().ToArray();
    }

    public byte[] ToArray() => _bytes.ToArray();
}
