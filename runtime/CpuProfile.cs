using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using ResNetGen.Kernels;
using CpuProfiles = ResNetGen.Planning.CpuProfiles;
using CpuTuningProfile = ResNetGen.Planning.CpuTuningProfile;

namespace ResNetGen;

/// <summary>
/// The choices of a network's CPU schedule that depend on the CPU: where Winograd F(4x4, 3x3) pays against the direct
/// kernels. The generator emits both algorithms for every convolution Winograd can compute, and a network picks between
/// them once, when it is built, from <see cref="Current"/>. Profiles only ever choose between those two, so every profile
/// gives the same bits for a convolution they run with the same algorithm.
/// </summary>
/// <remarks>
/// <para>
/// The built-in profiles (<see cref="BuiltIn"/>) were measured on the CPUs they name; <see cref="Detected"/> picks one from
/// the CPU the process runs on, and CPUs never measured get <c>generic</c>. On such a CPU, <c>tune</c> (in the benchmarks
/// project: <c>dotnet run --project benchmarks -c Release -- tune</c>) times Winograd against the direct kernels per map
/// size and writes a profile file; name it in <c>RESNETGEN_CPU_PROFILE</c>, or <see cref="Load"/> it and set
/// <see cref="Current"/> before building networks.
/// </para>
/// </remarks>
public sealed class CpuProfile
{
    /// <summary>The environment variable that overrides detection: a built-in profile's name or the path of a profile file.</summary>
    public const string EnvironmentVariable = "RESNETGEN_CPU_PROFILE";

    private static readonly CpuProfile[] BuiltInProfiles = CpuProfiles.BuiltIn.Select(p => new CpuProfile(p)).ToArray();
    private static readonly Lazy<CpuProfile> DetectedProfile = new(() => Named(Identify().Name), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly AsyncLocal<CpuProfile?> ScopedProfile = new();
    private static CpuProfile? s_current;

    /// <summary>A profile of one's own, e.g. from measurements on a CPU the built-in profiles do not cover.</summary>
    /// <param name="name">A short name (letters, digits, '-').</param>
    /// <param name="winogradMinimumTiles">Winograd runs from this many 4x4 output blocks per call (batch x blocks per image); at least 1.</param>
    /// <param name="winogradLargestSide">Winograd runs only on output maps at most this wide and high; <see cref="int.MaxValue"/> for any; at least 1.</param>
    /// <param name="cpus">The CPUs it is for, in words.</param>
    /// <exception cref="ArgumentException">The name is empty or has other characters, or a threshold is below 1.</exception>
    public CpuProfile(string name, int winogradMinimumTiles, int winogradLargestSide, string cpus = "")
        : this(new CpuTuningProfile(CheckName(name), cpus ?? string.Empty, CheckPositive(winogradMinimumTiles, nameof(winogradMinimumTiles)), CheckPositive(winogradLargestSide, nameof(winogradLargestSide)), "user profile"))
    {
    }

    private CpuProfile(CpuTuningProfile tuning) => Tuning = tuning;

    /// <summary>The profile's name: <c>generic</c>, <c>zen3</c>, <c>zen4</c>, <c>zen5</c>, <c>intel-avx512</c> or a tuned profile's.</summary>
    public string Name => Tuning.Name;

    /// <summary>The CPUs the profile is for, in words.</summary>
    public string Cpus => Tuning.Cpus;

    /// <summary>Winograd runs from this many 4x4 output blocks per call (batch x blocks per image).</summary>
    public int WinogradMinimumTiles => Tuning.WinogradMinimumTiles;

    /// <summary>Winograd runs only on output maps at most this wide and high (<see cref="int.MaxValue"/>: any).</summary>
    public int WinogradLargestSide => Tuning.WinogradLargestSide;

    /// <summary>The profiles measured on the CPUs they name, <c>generic</c> first.</summary>
    public static IReadOnlyList<CpuProfile> BuiltIn => BuiltInProfiles;

    /// <summary>The built-in profile of the CPU this process runs on (from CPUID), <c>generic</c> for CPUs never measured.</summary>
    public static CpuProfile Detected => DetectedProfile.Value;

    /// <summary>
    /// The profile networks built from now on choose their algorithms by: <c>RESNETGEN_CPU_PROFILE</c> if set (a built-in
    /// name or a profile file), otherwise <see cref="Detected"/>. Setting it changes networks built afterwards, not those built already.
    /// </summary>
    /// <exception cref="InvalidOperationException">On reading, <c>RESNETGEN_CPU_PROFILE</c> names no built-in profile and no readable profile file.</exception>
    public static CpuProfile Current
    {
        get => ScopedProfile.Value ?? Volatile.Read(ref s_current) ?? InitialiseCurrent();
        set => Volatile.Write(ref s_current, value ?? throw new ArgumentNullException(nameof(value)));
    }

    internal CpuTuningProfile Tuning { get; }

    /// <summary>
    /// Makes <paramref name="profile"/> <see cref="Current"/> for this thread's asynchronous flow until the scope is disposed,
    /// without touching other threads: for building a network under a given profile while others are built elsewhere.
    /// </summary>
    internal static IDisposable Use(CpuProfile profile)
    {
        CpuProfile? previous = ScopedProfile.Value;
        ScopedProfile.Value = profile;
        return new Restore(previous);
    }

    /// <summary>The built-in profile called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No built-in profile has that name; the message lists them.</exception>
    public static CpuProfile Named(string name) =>
        BuiltInProfiles.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"There is no built-in CPU profile '{name}'; the built-in profiles are {string.Join(", ", BuiltInProfiles.Select(p => p.Name))}.", nameof(name));

    /// <summary>Whether this profile runs Winograd on a convolution Winograd can compute, of <paramref name="tiles"/> 4x4 output blocks per call.</summary>
    public bool RunsWinograd(long tiles, int outHeight, int outWidth) => Tuning.WinogradPays(tiles, outHeight, outWidth);

    /// <summary>
    /// The algorithm a convolution Winograd can compute runs with: <see cref="ConvolutionAlgorithm.Winograd"/> where this
    /// profile says it pays, else <paramref name="direct"/>. Called by generated networks when they are built.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ConvolutionAlgorithm Choose(ConvolutionAlgorithm direct, long winogradTiles, int outHeight, int outWidth) =>
        RunsWinograd(winogradTiles, outHeight, outWidth) ? ConvolutionAlgorithm.Winograd : direct;

    /// <summary>Reads a profile file written by <see cref="Save"/> (or by <c>tune</c>).</summary>
    /// <exception cref="InvalidDataException">The file is not a profile; the message names the file and the field.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static CpuProfile Load(string path) => CpuProfileFile.Read(path);

    /// <summary>Writes this profile as a small JSON file that <see cref="Load"/> and <c>RESNETGEN_CPU_PROFILE</c> read.</summary>
    public void Save(string path) => CpuProfileFile.Write(this, path);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name} ({Cpus}): Winograd from {WinogradMinimumTiles} blocks{(WinogradLargestSide == int.MaxValue ? string.Empty : $" on maps up to {WinogradLargestSide}x{WinogradLargestSide}")}";

    /// <summary>The built-in profile of this process's CPU.</summary>
    internal static CpuTuningProfile Identify()
    {
        CpuIdentity cpu = CpuIdentity.OfThisProcessor();
        return CpuProfiles.Identify(cpu.Vendor, cpu.Family, cpu.Model, cpu.HasAvx512);
    }

    private static CpuProfile InitialiseCurrent()
    {
        string? setting = Environment.GetEnvironmentVariable(EnvironmentVariable);
        CpuProfile profile = string.IsNullOrWhiteSpace(setting) ? Detected : FromSetting(setting.Trim());
        return Interlocked.CompareExchange(ref s_current, profile, null) ?? profile;
    }

    internal static CpuProfile FromSetting(string setting)
    {
        CpuProfile? named = BuiltInProfiles.FirstOrDefault(p => p.Name == setting);
        if (named is not null)
        {
            return named;
        }

        if (!File.Exists(setting))
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is '{setting}': neither a built-in CPU profile ({string.Join(", ", BuiltInProfiles.Select(p => p.Name))}) nor an existing profile file.");
        }

        try
        {
            return Load(setting);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{EnvironmentVariable} names the profile file '{setting}', which cannot be used: {e.Message}", e);
        }
    }

    private static string CheckName(string name) =>
        !string.IsNullOrEmpty(name) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? name
            : throw new ArgumentException($"A CPU profile's name is letters, digits and '-'; '{name}' is not.", nameof(name));

    private static int CheckPositive(int value, string parameter) =>
        value >= 1 ? value : throw new ArgumentException($"{parameter} is {value}; it must be at least 1.", parameter);

    private sealed class Restore(CpuProfile? previous) : IDisposable
    {
        public void Dispose() => ScopedProfile.Value = previous;
    }

    /// <summary>The profile file: one JSON object, read and written without reflection so that it works under NativeAOT.</summary>
    private static class CpuProfileFile
    {
        public static CpuProfile Read(string path)
        {
            byte[] bytes = File.ReadAllBytes(path);
            try
            {
                using JsonDocument document = JsonDocument.Parse(bytes);
                JsonElement root = document.RootElement;
                string name = Text(root, "name", path);
                int tiles = Number(root, "winogradMinimumTiles", path);
                int side = root.TryGetProperty("winogradLargestSide", out JsonElement s) && s.ValueKind == JsonValueKind.Null ? int.MaxValue : Number(root, "winogradLargestSide", path);
                string cpus = root.TryGetProperty("cpus", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : string.Empty;
                return new CpuProfile(name, tiles, side, cpus);
            }
            catch (Exception e) when (e is JsonException or ArgumentException)
            {
                throw new InvalidDataException($"'{path}' is not a CPU profile: {e.Message}", e);
            }
        }

        public static void Write(CpuProfile profile, string path)
        {
            using FileStream stream = File.Create(path);
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("name", profile.Name);
            json.WriteString("cpus", profile.Cpus);
            json.WriteNumber("winogradMinimumTiles", profile.WinogradMinimumTiles);
            if (profile.WinogradLargestSide == int.MaxValue)
            {
                json.WriteNull("winogradLargestSide");
            }
            else
            {
                json.WriteNumber("winogradLargestSide", profile.WinogradLargestSide);
            }

            json.WriteEndObject();
        }

        private static string Text(JsonElement root, string field, string path) =>
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty(field, out JsonElement value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()!
                : throw new InvalidDataException($"'{path}' is not a CPU profile: '{field}' must be a string.");

        private static int Number(JsonElement root, string field, string path) =>
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty(field, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number)
                ? number
                : throw new InvalidDataException($"'{path}' is not a CPU profile: '{field}' must be a whole number.");
    }
}
