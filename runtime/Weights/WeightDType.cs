using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ResNetGen.Weights;

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
                HalfToSingle(source, destination);
                break;
            case WeightDType.BFloat16:
                BFloat16ToSingle(source, destination);
                break;
            case WeightDType.Float64:
                DoubleToSingle(source, destination);
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

    /// <summary>
    /// float16 bits to float32, eight lanes at a time where <see cref="Vector256"/> is accelerated: normal numbers
    /// re-biased, subnormals as their integer significand times 2^-24, infinities kept, NaNs kept and made quiet; the
    /// same bits as <c>(float)Half</c>, which the remaining elements (and big-endian machines) use.
    /// </summary>
    internal static void HalfToSingle(ReadOnlySpan<byte> source, Span<float> destination) => Widen<HalfBits>(WeightDType.Float16, source, destination);

    /// <summary>bfloat16 bits to float32: the bits shifted into the high half, sixteen lanes at a time where accelerated.</summary>
    internal static void BFloat16ToSingle(ReadOnlySpan<byte> source, Span<float> destination) => Widen<BFloat16Bits>(WeightDType.BFloat16, source, destination);

    /// <summary>A 16-bit float format's bits, widened to 32 bits per lane, as float32.</summary>
    private interface ISixteenBitFloat
    {
        static abstract Vector256<float> ToSingle(Vector256<uint> bits);
    }

    private readonly struct HalfBits : ISixteenBitFloat
    {
        public static Vector256<float> ToSingle(Vector256<uint> bits) => HalfBitsToSingle(bits.AsInt32());
    }

    private readonly struct BFloat16Bits : ISixteenBitFloat
    {
        public static Vector256<float> ToSingle(Vector256<uint> bits) => (bits << 16).AsSingle();
    }

    /// <summary>16-bit floats to float32, sixteen at a time where accelerated; the rest (and big-endian machines) one by one.</summary>
    private static void Widen<TBits>(WeightDType dtype, ReadOnlySpan<byte> source, Span<float> destination)
        where TBits : struct, ISixteenBitFloat
    {
        int n = destination.Length;
        source = source.Slice(0, checked(n * 2));
        int i = 0;
        if (Vector256.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            ref ushort from = ref Unsafe.As<byte, ushort>(ref MemoryMarshal.GetReference(source));
            ref float to = ref MemoryMarshal.GetReference(destination);
            for (; i <= n - 16; i += 16)
            {
                (Vector256<uint> low, Vector256<uint> high) = Vector256.Widen(Vector256.LoadUnsafe(ref from, (nuint)i));
                TBits.ToSingle(low).StoreUnsafe(ref to, (nuint)i);
                TBits.ToSingle(high).StoreUnsafe(ref to, (nuint)(i + 8));
            }
        }

        for (; i < n; i++)
        {
            destination[i] = ConvertOne(dtype, source, i);
        }
    }

    private static Vector256<float> HalfBitsToSingle(Vector256<int> half)
    {
        Vector256<int> sign = (half & Vector256.Create(0x8000)) << 16;
        Vector256<int> magnitude = half & Vector256.Create(0x7FFF);
        Vector256<int> rebias = Vector256.Create(0x38000000); // (127 - 15) << 23
        Vector256<int> normal = (magnitude << 13) + rebias;
        Vector256<int> infOrNaN = Vector256.GreaterThanOrEqual(magnitude, Vector256.Create(0x7C00));
        Vector256<int> nan = Vector256.GreaterThan(magnitude, Vector256.Create(0x7C00));
        normal += infOrNaN & rebias;                            // exponent 31 becomes 255
        normal |= nan & Vector256.Create(0x00400000);           // quiet NaN, as the scalar conversion makes it
        Vector256<int> subnormal = (Vector256.ConvertToSingle(magnitude) * Vector256.Create(1f / 16777216f)).AsInt32(); // exact, zero included
        Vector256<int> isSubnormal = Vector256.LessThan(magnitude, Vector256.Create(0x0400));
        return (Vector256.ConditionalSelect(isSubnormal, subnormal, normal) | sign).AsSingle();
    }

    /// <summary>float64 to float32, rounding to nearest even like <c>(float)double</c>, eight lanes at a time where accelerated.</summary>
    internal static void DoubleToSingle(ReadOnlySpan<byte> source, Span<float> destination)
    {
        int n = destination.Length;
        source = source.Slice(0, checked(n * 8));
        int i = 0;
        if (Vector256.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            ref double from = ref Unsafe.As<byte, double>(ref MemoryMarshal.GetReference(source));
            ref float to = ref MemoryMarshal.GetReference(destination);
            for (; i <= n - 8; i += 8)
            {
                Vector256.Narrow(Vector256.LoadUnsafe(ref from, (nuint)i), Vector256.LoadUnsafe(ref from, (nuint)(i + 4))).StoreUnsafe(ref to, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            destination[i] = ConvertOne(WeightDType.Float64, source, i);
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
