#!/usr/bin/env bash
# Packs the GPU check into a bundle that runs on a Linux x86-64 machine with an NVIDIA driver and neither .NET nor a
# network: the framework-dependent build of tools/GpuCheck, this machine's .NET shared runtime, the parity goldens and
# tools/GpuCheck/torch_timing.py.
#
#   tools/gpu-check.sh [OUT]                 builds OUT (default artifacts/gpu-check) and OUT.tar.xz
#   tools/gpu-check.sh --run [--cpu] [OUT]   builds, then runs the bundle here (--cpu: ILGPU's CPU accelerator, small goldens)
#
# On the GPU machine:
#   tar -xJf gpu-check.tar.xz && gpu-check/run.sh > gpu-check.md
# prints a markdown report: parity with torchvision at full size on the CUDA accelerator (every tests/Goldens/parity
# config, and resnet50 at batch 32 from tests/Goldens/gpu), resnet50's batch-32 rows against its batch-1 calls, then
# resnet50 224x224 at batch 1 and 32, ResNetGen.Ilgpu beside PyTorch eager fp32 on the same GPU when python3 with torch
# is there, and every convolution timed alone beside the cost model's lower bound. It stays within ten minutes (each
# part has its own timeout).
set -euo pipefail

run=0
cpu=()
while [[ $# -gt 0 && $1 == --* ]]; do
    case $1 in
        --run) run=1 ;;
        --cpu) cpu=(--cpu) ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
    esac
    shift
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
out=$(realpath -m "${1:-$root/artifacts/gpu-check}")
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
framework=$(ls "$dotnet_root/shared/Microsoft.NETCore.App" | grep '^10\.' | sort -V | tail -1)

rm -rf "$out" "$out.tar.xz"
mkdir -p "$out/dotnet/shared/Microsoft.NETCore.App" "$out/goldens"
dotnet publish "$here/GpuCheck/GpuCheck.csproj" -c Release -o "$out/app" --no-self-contained -p:UseAppHost=false \
    -p:RollForward=LatestPatch -p:DebugType=none -p:GenerateDocumentationFile=false --nologo -v quiet
rm -f "$out"/app/*.xml
cp "$dotnet_root/dotnet" "$out/dotnet/"
cp -r "$dotnet_root/host" "$out/dotnet/"
cp -r "$dotnet_root/shared/Microsoft.NETCore.App/$framework" "$out/dotnet/shared/Microsoft.NETCore.App/"
cp -r "$root/tests/Goldens/parity" "$root/tests/Goldens/accelerators" "$root/tests/Goldens/gpu" "$out/goldens/"
cp "$here/GpuCheck/torch_timing.py" "$out/"
cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
# ResNetGen GPU check: needs an NVIDIA driver (libcuda.so.1); brings its own .NET. Optional: python3 with torch and
# torchvision for the PyTorch column. --cpu runs the small goldens on ILGPU's CPU accelerator instead (a smoke run).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export DOTNET_ROOT="$here/dotnet" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_gcServer=0
torch_json=$(mktemp)
trap 'rm -f "$torch_json"' EXIT
if [[ ${1:-} == --cpu ]]; then
    exec timeout 300 "$here/dotnet/dotnet" "$here/app/ResNetGen.GpuCheck.dll" --cpu --parity "$here/goldens/accelerators" --size 32 --batches 1 --seconds 0 --samples 1
fi
if command -v python3 > /dev/null; then
    timeout 150 python3 "$here/torch_timing.py" 224 5 > "$torch_json" 2> /dev/null || echo '{"error": "torch_timing.py failed or timed out"}' > "$torch_json"
fi
timeout 420 "$here/dotnet/dotnet" "$here/app/ResNetGen.GpuCheck.dll" --parity "$here/goldens/parity" --parity "$here/goldens/gpu" --torch "$torch_json" --size 224 --batches 1,32 --seconds 5
status=$?
[[ $status == 124 ]] && echo "The check ran out of its 420 s." >&2
exit $status
RUN
chmod +x "$out/run.sh"
tar -C "$(dirname "$out")" -cJf "$out.tar.xz" "$(basename "$out")"
echo "bundle: $out.tar.xz ($(du -m "$out.tar.xz" | cut -f1) MiB packed, $(du -sm "$out" | cut -f1) MiB unpacked, .NET $framework)"
if [[ $run == 1 ]]; then
    "$out/run.sh" "${cpu[@]}"
fi
