using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ResNetGen;

/// <summary>The element types a weight file may store; every one is converted to float32 on load.</summary>
internal enum WeightDType
{
    Float32,
    Float16,
    BFloat16,
    Float64,
    Int64,
    Int32,
}

/// <summary>Sizes, names and conversions to float32 of <see cref="WeightDType"/>, rounding as torch's <c>.float()</c> does.</summary>
internal static class WeightDTypes
{
    public static int Size(WeightDType dtype) => dtype switch
    {
        WeightDType.Float32 => 4,
        WeightDType.Float16 => 2,
        WeightDType.BFloat16 => 2,
        WeightDType.Float64 => 8,
        WeightDType.Int64 => 8,
        WeightDType.Int32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    public static string TorchName(WeightDType dtype) => dtype switch
    {
        WeightDType.Float32 => "float32",
        WeightDType.Float16 => "float16",
        WeightDType.BFloat16 => "bfloat16",
        WeightDType.Float64 => "float64",
        WeightDType.Int64 => "int64",
        WeightDType.Int32 => "int32",
        _ => dtype.ToString(),
    };

    /// <summary>Converts <paramref name="destination"/>.Length contiguous little-endian elements starting at the beginning of <paramref name="source"/>.</summary>
    public static void Convert(WeightDType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        int n = destination.Length;
        source = source.Slice(0, checked(n * Size(dtype)));
        switch (dtype)
        {
            case WeightDType.Float32:
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                }
                else
                {
                    for (int i = 0; i < n; i++)
                    {
                        destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source.Slice(i * 4));
                    }
                }

                break;
            case WeightDType.Float16:
                for (int i = 0; i < n; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source.Slice(i * 2));
                }

                break;
            case WeightDType.BFloat16:
                for (int i = 0; i < n; i++)
                {
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(i * 2)) << 16);
                }

                break;
            case WeightDType.Float64:
                for (int i = 0; i < n; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source.Slice(i * 8));
                }

                break;
            case WeightDType.Int64:
                for (int i = 0; i < n; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt64LittleEndian(source.Slice(i * 8));
                }

                break;
            case WeightDType.Int32:
                for (int i = 0; i < n; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt32LittleEndian(source.Slice(i * 4));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype));
        }
    }

    /// <summary>Converts the single element at element index <paramref name="index"/> of <paramref name="source"/>.</summary>
    public static float ConvertOne(WeightDType dtype, ReadOnlySpan<byte> source, long index)
    {
        int size = Size(dtype);
        ReadOnlySpan<byte> at = source.Slice(checked((int)(index * size)), size);
        return dtype switch
        {
            WeightDType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(at),
            WeightDType.Float16 => (float)BinaryPrimitives.ReadHalfLittleEndian(at),
            WeightDType.BFloat16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(at) << 16),
            WeightDType.Float64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(at),
            WeightDType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(at),
            WeightDType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(at),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
        };
    }
}
