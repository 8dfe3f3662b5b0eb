using System;
using System.Diagnostics;
using System.IO;

namespace ResNetGen.Benchmarks;

/// <summary>
/// The peers' model files, made from the weights ResNetGen runs: <c>MODEL.pth</c>, written here from
/// <see cref="Workload.CreateWeights"/> (the tensors behind the generated class's <c>CreateRandom(seed)</c>), and
/// <c>WORKLOAD.onnx</c>, exported from it by torchvision through <c>tools/export_onnx.py</c>. Made once and kept in
/// <see cref="Folder"/>; a file already there is reused.
/// </summary>
internal static class PeerModels
{
    /// <summary>The seed of the weights every engine of the comparison runs.</summary>
    public const int Seed = 0;

    /// <summary><c>RESNETGEN_PEER_MODELS</c>, or <c>resnetgen-peer-models</c> under the temporary directory.</summary>
    public static string Folder =>
        Environment.GetEnvironmentVariable("RESNETGEN_PEER_MODELS") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Path.GetTempPath(), "resnetgen-peer-models");

    /// <summary>The path of the workload's state_dict, written first if it is not there yet.</summary>
    public static string Weights(Workload workload)
    {
        Directory.CreateDirectory(Folder);
        string path = Path.Combine(Folder, workload.Model + ".pth");
        if (!File.Exists(path))
        {
            string partial = $"{path}.{Environment.ProcessId}.partial";
            using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                StateDictFiles.WriteTorchSave(file, workload.CreateWeights(Seed), workload.Parameters);
            }

            File.Move(partial, path, overwrite: true);
        }

        return path;
    }

    /// <summary>The path of the workload's ONNX file, exported first (with its weights) if it is not there yet.</summary>
    /// <exception cref="InvalidOperationException">The export script failed or could not be started; the message says why.</exception>
    public static string Onnx(Workload workload)
    {
        string path = Path.Combine(Folder, workload.Name + ".onnx");
        if (File.Exists(path))
        {
            return path;
        }

        Weights(workload);
        string script = Path.Combine(AppContext.BaseDirectory, "export_onnx.py");
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(Folder);
        start.ArgumentList.Add(workload.Name);
        try
        {
            using Process process = Process.Start(start)!;
            process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0 || !File.Exists(path))
            {
                throw new InvalidOperationException($"tools/export_onnx.py could not export {workload.Name} to {path} (exit code {process.ExitCode}): {stderr.Trim()}");
            }
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new InvalidOperationException($"Cannot run /usr/bin/python3 to export {workload.Name} to ONNX ({error.Message}); install python3-torch and python3-torchvision.", error);
        }

        return path;
    }
}
