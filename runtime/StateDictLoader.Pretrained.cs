using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ResNetGen.Planning;
using ResNetGen.Weights;

namespace ResNetGen;

// Weights from a URL: downloaded once into torch.hub's cache (TorchHub), then loaded as a file.
public static partial class StateDictLoader
{
    /// <summary>
    /// Loads the tensors of <paramref name="expected"/> from the weight file at <paramref name="url"/>, downloaded once into
    /// torch.hub's cache and checked against the SHA-256 prefix its name carries (see <see cref="TorchHub"/>).
    /// </summary>
    /// <param name="url">An http(s) URL of a <c>.pth</c> (zip or legacy format) or <c>.safetensors</c> file.</param>
    /// <param name="expected">The network's manifest (e.g. a generated class's <c>Parameters</c>).</param>
    /// <param name="progress">Receives the download's progress; nothing is reported when the file is already cached.</param>
    /// <param name="cancellationToken">Stops the download; nothing is left in the cache.</param>
    /// <returns>Exactly the expected keys, in order; <see cref="StateDict.Source"/> is the file's path in the cache.</returns>
    /// <exception cref="WeightLoadException">The download failed (the message names the URL and where a copy fetched another
    /// way would be used), or the file does not load.</exception>
    public static StateDict Load(Uri url, IReadOnlyList<StateDictEntry> expected, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        StateDictBinder.ValidateExpected(expected, nameof(expected));
        return Load(TorchHub.Download(url, progress, cancellationToken), expected);
    }

    /// <summary>The asynchronous form of <see cref="Load(Uri, IReadOnlyList{StateDictEntry}, IProgress{DownloadProgress}?, CancellationToken)"/>;
    /// the file is read on the thread pool.</summary>
    /// <param name="url">An http(s) URL of a <c>.pth</c> (zip or legacy format) or <c>.safetensors</c> file.</param>
    /// <param name="expected">The network's manifest (e.g. a generated class's <c>Parameters</c>).</param>
    /// <param name="progress">Receives the download's progress; nothing is reported when the file is already cached.</param>
    /// <param name="cancellationToken">Stops the download; nothing is left in the cache.</param>
    /// <exception cref="WeightLoadException">The download failed, or the file does not load.</exception>
    public static async Task<StateDict> LoadAsync(Uri url, IReadOnlyList<StateDictEntry> expected, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        StateDictBinder.ValidateExpected(expected, nameof(expected));
        string path = await TorchHub.DownloadAsync(url, progress, cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => Load(path, expected), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Loads published weights into a network of architecture <paramref name="network"/>: checked to fit before anything is
    /// downloaded, then downloaded once into torch.hub's cache, verified, and bound strictly to <paramref name="expected"/>.
    /// A headless network takes the weights without their <c>fc</c>, as <c>model.fc = nn.Identity()</c> after loading them.
    /// Generated networks call this from <c>LoadPretrained</c>.
    /// </summary>
    /// <param name="weights">An entry of <see cref="TorchvisionWeights"/>, or weights of your own.</param>
    /// <param name="network">The architecture of the network being built (a generated class's <c>Architecture</c>).</param>
    /// <param name="expected">The network's manifest (a generated class's <c>Parameters</c>).</param>
    /// <param name="progress">Receives the download's progress; nothing is reported when the file is already cached.</param>
    /// <param name="cancellationToken">Stops the download; nothing is left in the cache.</param>
    /// <exception cref="WeightLoadException">The weights are for another architecture (the message gives both declarations;
    /// <see cref="WeightLoadException.FittingDeclaration"/> is the weights'), the download failed, or the file does not load.</exception>
    public static StateDict LoadPretrained(
        PretrainedWeights weights, ResNetArchitecture network, IReadOnlyList<StateDictEntry> expected, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<StateDictEntry> wanted = PretrainedManifest(weights, network, expected);
        return WithoutUnwanted(Load(TorchHub.Download(weights.Url, progress, cancellationToken), wanted), expected);
    }

    /// <summary>The asynchronous form of <see cref="LoadPretrained"/>; the file is read on the thread pool.</summary>
    /// <param name="weights">An entry of <see cref="TorchvisionWeights"/>, or weights of your own.</param>
    /// <param name="network">The architecture of the network being built (a generated class's <c>Architecture</c>).</param>
    /// <param name="expected">The network's manifest (a generated class's <c>Parameters</c>).</param>
    /// <param name="progress">Receives the download's progress; nothing is reported when the file is already cached.</param>
    /// <param name="cancellationToken">Stops the download; nothing is left in the cache.</param>
    /// <exception cref="WeightLoadException">The weights are for another architecture, the download failed, or the file does not load.</exception>
    public static async Task<StateDict> LoadPretrainedAsync(
        PretrainedWeights weights, ResNetArchitecture network, IReadOnlyList<StateDictEntry> expected, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<StateDictEntry> wanted = PretrainedManifest(weights, network, expected);
        string path = await TorchHub.DownloadAsync(weights.Url, progress, cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => WithoutUnwanted(Load(path, wanted), expected), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks that the weights fit the network (before any download) and returns the manifest to read the file with: the
    /// network's, plus the classifier a headless network leaves out.
    /// </summary>
    private static IReadOnlyList<StateDictEntry> PretrainedManifest(PretrainedWeights weights, ResNetArchitecture network, IReadOnlyList<StateDictEntry> expected)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(network);
        StateDictBinder.ValidateExpected(expected, nameof(expected));
        if (weights.Architecture.MisfitFor(network) is string misfit)
        {
            throw new WeightLoadException(weights.Url.ToString(),
                PretrainedCatalogue.MisfitMessage(weights.ToString(), weights.Architecture.ToString(), "the network", network.ToString(), misfit))
            {
                FittingDeclaration = weights.Architecture.ToString(),
                FittingTorchvisionModel = weights.TorchvisionModel,
            };
        }

        if (!network.Headless || weights.Architecture.Headless)
        {
            return expected;
        }

        var withClassifier = new List<StateDictEntry>(expected)
        {
            new("fc.weight", StateDictEntryKind.LinearWeight, weights.Architecture.NumClasses, network.FeatureLength),
            new("fc.bias", StateDictEntryKind.LinearBias, weights.Architecture.NumClasses),
        };
        return withClassifier;
    }

    /// <summary>The tensors of <paramref name="expected"/> alone (a headless network's load read <c>fc</c> too).</summary>
    private static StateDict WithoutUnwanted(StateDict loaded, IReadOnlyList<StateDictEntry> expected)
    {
        if (loaded.Count == expected.Count)
        {
            return loaded;
        }

        var result = new StateDict(loaded.Source);
        foreach (StateDictEntry entry in expected)
        {
            result.Add(entry.Name, loaded.Get(entry.Name));
        }

        return result;
    }
}
