using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace ResNetGen.Tests.Sample;

/// <summary>Writes tensors as a float32 .safetensors file, in the order of a network's manifest.</summary>
internal static class SafetensorsFile
{
    /// <summary>Writes <paramref name="entries"/> of <paramref name="weights"/> to <paramref name="path"/> and returns the path.</summary>
    public static string Write(string path, StateDict weights, IReadOnlyList<StateDictEntry> entries)
    {
        var header = new StringBuilder("{");
        long offset = 0;
        foreach (StateDictEntry entry in entries)
        {
            long bytes = weights.Get(entry.Name).Data.Length * 4L;
            header.Append(header.Length > 1 ? "," : "")
                .Append($"\"{entry.Name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", entry.Shape)}],\"data_offsets\":[{offset},{offset + bytes}]}}");
            offset += bytes;
        }

        byte[] json = Encoding.UTF8.GetBytes(header.Append('}').ToString());
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)json.Length));
        file.Write(json);
        foreach (StateDictEntry entry in entries)
        {
            file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.Get(entry.Name).Data.AsSpan()));
        }

        return path;
    }
}
