using ILGPU;
using ILGPU.Runtime;
using ResNetGen.Kernels;

namespace ResNetGen.Ilgpu;

/// <summary>
/// 2-D convolution on channels-last (NHWC) feature maps as an implicit GEMM, made for a GPU: per channel group,
/// <c>output[pixel, channel] = sum over k of patch[pixel, k] x weights[k, channel]</c>, with
/// <c>k = (ky x Kernel + kx) x InChannelsPerGroup + input channel</c>, so consecutive k are consecutive floats of one input
/// pixel. No patch matrix is built: each thread group stages a <see cref="IConvolutionTile">tile</see> of the patch (gathered straight
/// from the input, zeros for padding) and of the weights in shared memory and accumulates; the epilogue (bias, optional
/// residual, optional ReLU) is applied as each output is stored.
/// </summary>
/// <remarks>
/// <para>Launched on a grid of <c>(ceil(pixels / Pixels), ceil(channels per group / Channels), groups x K slices)</c> thread
/// groups of <see cref="IConvolutionTile.Threads"/> threads, each accumulating <c>RowsPerThread x 8</c> outputs in registers.</para>
/// <para>A two-stage pipeline: the tiles of a step live in one of two shared-memory stages; while the group multiplies the
/// current stage, each thread already holds the next step's global loads in registers, and stores them into the other stage
/// after its multiply-adds, so the loads' latency hides behind the arithmetic and one barrier per step suffices.</para>
/// <para>The loads: adjacent threads gather adjacent k (input channels of one pixel), so global reads coalesce; each pixel's
/// window origin is worked out once per group and each thread's k split once per step, so the gather has no divisions.
/// Weights are read as 16-byte quads: <see cref="DeviceConvolutionLayer"/> pads every weight row to whole quads, so every
/// quad is aligned whatever the network, and the view is declared 16-byte aligned for ILGPU's vectorisation.</para>
/// <para>Shared-memory banks: the patch tile's rows are padded by one float, so that the transposing stores do not collide;
/// the weight tile has a quad of padding after every 32 channels, so that the eight 8-channel columns a quarter-warp reads
/// cover the 32 banks once; a thread's pixels are <c>Pixels / RowsPerThread</c> apart, so a warp reads consecutive patch
/// values.</para>
/// </remarks>
internal static class ConvolutionKernel
{
    /// <summary>Threads per group for <typeparamref name="TTile"/>.</summary>
    public static int GroupSize<TTile>()
        where TTile : struct, IConvolutionTile => default(TTile).Threads;

    /// <summary>Bytes of shared memory one group of <typeparamref name="TTile"/> takes: both stages of both tiles and the window origins.</summary>
    public static int SharedMemoryBytes<TTile>()
        where TTile : struct, IConvolutionTile
    {
        TTile tile = default;
        return (2 * (tile.InputTileLength + (4 * tile.WeightTileLength)) * sizeof(float)) + (3 * tile.Pixels * sizeof(int));
    }

    /// <summary>Reduction steps that each of <paramref name="splits"/> slices of K walks (the last slice may walk fewer).</summary>
    public static int StepsPerSplit(int reduction, int depth, int splits)
    {
        int steps = (reduction + depth - 1) / depth;
        return (steps + splits - 1) / splits;
    }

    /// <summary>The kernel: one thread group computes one tile of outputs of one channel group, over the whole reduction.</summary>
    /// <param name="input">NHWC input, <c>Batch x InHeight x InWidth x InChannels</c>.</param>
    /// <param name="weights">Folded weights as <c>[group][k][output channel in group]</c>, rows padded to whole quads (see <see cref="DeviceConvolutionLayer"/>).</param>
    /// <param name="bias">Folded bias, one per output channel.</param>
    /// <param name="residual">Added before ReLU when the epilogue uses it (same layout as the output); otherwise not read.</param>
    /// <param name="output">NHWC output, <c>Batch x OutHeight x OutWidth x OutChannels</c>.</param>
    /// <param name="g">Every size of the call.</param>
    public static void Run<TTile, TEpilogue>(
        ArrayView<float> input, ArrayView<float> weights, ArrayView<float> bias, ArrayView<float> residual, ArrayView<float> output, ConvolutionGeometry g)
        where TTile : struct, IConvolutionTile
        where TEpilogue : struct, IDeviceEpilogue
    {
        int reduction = g.InChannels / g.Groups * g.Kernel * g.Kernel;
        int outPerGroup = g.OutChannels / g.Groups;
        Block8 sums = Accumulate<TTile>(input, weights, g, Grid.IdxZ, 0, reduction);
        Store<TTile, TEpilogue>(new OutputStore<TEpilogue>(bias, residual, output, FirstChannel<TTile>(), Grid.IdxZ * outPerGroup, outPerGroup, g.Batch * g.OutHeight * g.OutWidth, g.OutChannels), sums);
    }

    /// <summary>
    /// Split-K: the grid's z is channel group x slice; each thread group sums its slice of the reduction (whole steps) and
    /// stores the raw sums in slice <c>z % splits</c> of <paramref name="partials"/>
    /// (<c>splits x Batch x OutHeight x OutWidth x OutChannels</c>). <see cref="SplitReduceKernel"/> then adds the slices in
    /// their order and applies the epilogue, so a run gives the same bits every time.
    /// </summary>
    public static void RunPartial<TTile>(ArrayView<float> input, ArrayView<float> weights, ArrayView<float> partials, ConvolutionGeometry g, int splits)
        where TTile : struct, IConvolutionTile
    {
        TTile tile = default;
        int group = Grid.IdxZ / splits;
        int split = Grid.IdxZ % splits;
        int reduction = g.InChannels / g.Groups * g.Kernel * g.Kernel;
        int span = StepsPerSplit(reduction, tile.Depth, splits) * tile.Depth;
        int begin = split * span;
        int end = begin + span < reduction ? begin + span : reduction;
        int outPerGroup = g.OutChannels / g.Groups;
        int outPixels = g.Batch * g.OutHeight * g.OutWidth;
        Block8 sums = Accumulate<TTile>(input, weights, g, group, begin, end);
        ArrayView<float> slice = partials.SubView((long)split * outPixels * g.OutChannels, (long)outPixels * g.OutChannels);
        Store<TTile, RawSum>(new OutputStore<RawSum>(slice, slice, slice, FirstChannel<TTile>(), group * outPerGroup, outPerGroup, outPixels, g.OutChannels), sums);
    }

    /// <summary>The first of this thread's eight output channels within its channel group.</summary>
    private static int FirstChannel<TTile>()
        where TTile : struct, IConvolutionTile
    {
        TTile tile = default;
        return (Grid.IdxY * tile.Channels) + (Group.IdxX % (tile.Channels / 8) * 8);
    }

    /// <summary>Stores this thread's sums: row j is pixel <c>first + j x Pixels / RowsPerThread</c>.</summary>
    private static void Store<TTile, TEpilogue>(OutputStore<TEpilogue> store, Block8 sums)
        where TTile : struct, IConvolutionTile
        where TEpilogue : struct, IDeviceEpilogue
    {
        TTile tile = default;
        int spacing = tile.Pixels / tile.RowsPerThread;
        int first = (Grid.IdxX * tile.Pixels) + (Group.IdxX / (tile.Channels / 8));
        store.Row(first, sums.R0);
        store.Row(first + spacing, sums.R1);
        if (tile.RowsPerThread > 2)
        {
            store.Row(first + (2 * spacing), sums.R2);
            store.Row(first + (3 * spacing), sums.R3);
        }

        if (tile.RowsPerThread > 4)
        {
            store.Row(first + (4 * spacing), sums.R4);
            store.Row(first + (5 * spacing), sums.R5);
            store.Row(first + (6 * spacing), sums.R6);
            store.Row(first + (7 * spacing), sums.R7);
        }
    }

    /// <summary>
    /// The multiply-adds of reduction values <paramref name="begin"/> to <paramref name="end"/> (whole steps from
    /// <paramref name="begin"/>) for this thread's outputs of channel group <paramref name="group"/>, through the two-stage
    /// pipeline: step s is multiplied from stage <c>s % 2</c> while step s + 1 is loaded into registers, then stored into the
    /// other stage before the step's one barrier.
    /// </summary>
    private static Block8 Accumulate<TTile>(ArrayView<float> input, ArrayView<float> weights, ConvolutionGeometry g, int group, int begin, int end)
        where TTile : struct, IConvolutionTile
    {
        TTile tile = default;
        ArrayView<float> patchTiles = SharedMemory.Allocate<float>(2 * tile.InputTileLength);
        ArrayView<Quad> weightTiles = SharedMemory.Allocate<Quad>(2 * tile.WeightTileLength);
        ArrayView<int> pixelBase = SharedMemory.Allocate<int>(tile.Pixels);
        ArrayView<int> pixelRow = SharedMemory.Allocate<int>(tile.Pixels);
        ArrayView<int> pixelColumn = SharedMemory.Allocate<int>(tile.Pixels);

        int thread = Group.IdxX;
        int firstPixel = Grid.IdxX * tile.Pixels;
        int outPixels = g.Batch * g.OutHeight * g.OutWidth;
        int inPerGroup = g.InChannels / g.Groups;

        // Where each pixel of the tile reads from, worked out once: the start of its image and channel group, and the
        // top-left input position of its window (-1 for pixels past the end).
        for (int mm = thread; mm < tile.Pixels; mm += tile.Threads)
        {
            int pixel = firstPixel + mm;
            int ox = pixel % g.OutWidth;
            int rest = pixel / g.OutWidth;
            pixelBase[mm] = pixel < outPixels ? (rest / g.OutHeight * g.InHeight * g.InWidth * g.InChannels) + (group * inPerGroup) : -1;
            pixelRow[mm] = (rest % g.OutHeight * g.Stride) - g.Padding;
            pixelColumn[mm] = (ox * g.Stride) - g.Padding;
        }

        var loads = new StepLoads<TTile>(input, weights.Cast<Quad>().AsAligned(16), pixelBase, pixelRow, pixelColumn, g, group, end);
        int steps = (end - begin + tile.Depth - 1) / tile.Depth;
        Group.Barrier();
        if (steps > 0)
        {
            loads.Store(patchTiles, weightTiles, 0, loads.Load(begin));
        }

        Group.Barrier();
        Block8 sums = default;
        for (int step = 0; step < steps; step++)
        {
            int stage = step & 1;
            bool more = step + 1 < steps;
            Staged next = more ? loads.Load(begin + ((step + 1) * tile.Depth)) : default;
            sums = MultiplyStage<TTile>(sums, patchTiles.SubView(stage * tile.InputTileLength, tile.InputTileLength), weightTiles.SubView(stage * tile.WeightTileLength, tile.WeightTileLength));
            if (more)
            {
                loads.Store(patchTiles, weightTiles, 1 - stage, next);
            }

            Group.Barrier();
        }

        return sums;
    }

    /// <summary>One step's multiply-adds from one stage of the shared tiles: Depth rank-1 updates of this thread's block.</summary>
    private static Block8 MultiplyStage<TTile>(Block8 sums, ArrayView<float> patchTile, ArrayView<Quad> weightTile)
        where TTile : struct, IConvolutionTile
    {
        TTile tile = default;
        int channelThreads = tile.Channels / 8;
        int quad = Group.IdxX % channelThreads * 2;
        int weightColumn = quad + (quad / 8);
        int pixel = Group.IdxX / channelThreads;
        int spacing = tile.Pixels / tile.RowsPerThread;
        for (int kk = 0; kk < tile.Depth; kk++)
        {
            int w = (kk * tile.WeightTileStride) + weightColumn;
            Row8 weight = Row8.FromQuads(weightTile[w], weightTile[w + 1]);
            int a = (kk * tile.InputTileStride) + pixel;
            sums.R0 = Row8.MultiplyAdd(sums.R0, patchTile[a], weight);
            sums.R1 = Row8.MultiplyAdd(sums.R1, patchTile[a + spacing], weight);
            if (tile.RowsPerThread > 2)
            {
                sums.R2 = Row8.MultiplyAdd(sums.R2, patchTile[a + (2 * spacing)], weight);
                sums.R3 = Row8.MultiplyAdd(sums.R3, patchTile[a + (3 * spacing)], weight);
            }

            if (tile.RowsPerThread > 4)
            {
                sums.R4 = Row8.MultiplyAdd(sums.R4, patchTile[a + (4 * spacing)], weight);
                sums.R5 = Row8.MultiplyAdd(sums.R5, patchTile[a + (5 * spacing)], weight);
                sums.R6 = Row8.MultiplyAdd(sums.R6, patchTile[a + (6 * spacing)], weight);
                sums.R7 = Row8.MultiplyAdd(sums.R7, patchTile[a + (7 * spacing)], weight);
            }
        }

        return sums;
    }
}

/// <summary>
/// One thread's global loads of one step, held in registers between the load and the store into the next stage:
/// <see cref="IConvolutionTile.PatchLoads"/> patch values (8 to 32, in <c>Row8</c>s) and up to four weight quads.
/// </summary>
internal struct Staged
{
    public Row8 P0, P1, P2, P3;
    public Quad W0, W1, W2, W3;
}

/// <summary>
/// Where one thread's loads of each step come from and go to. The thread gathers a fixed k of the patch tile
/// (<c>thread % Depth</c>) for pixels <c>thread / Depth + j x Threads / Depth</c>, and a fixed quad column of the weight
/// tile (<c>thread % (Channels / 4)</c>) for rows <c>thread / (Channels / 4) + j x Threads / (Channels / 4)</c>.
/// </summary>
internal readonly struct StepLoads<TTile>
    where TTile : struct, IConvolutionTile
{
    private readonly ArrayView<float> _input;
    private readonly ArrayView<Quad> _weights;
    private readonly ArrayView<int> _pixelBase;
    private readonly ArrayView<int> _pixelRow;
    private readonly ArrayView<int> _pixelColumn;
    private readonly ConvolutionGeometry _g;
    private readonly int _weightBase;
    private readonly int _rowQuads;
    private readonly int _column;
    private readonly int _end;

    public StepLoads(ArrayView<float> input, ArrayView<Quad> weights, ArrayView<int> pixelBase, ArrayView<int> pixelRow, ArrayView<int> pixelColumn, ConvolutionGeometry g, int group, int end)
    {
        TTile tile = default;
        _input = input;
        _weights = weights;
        _pixelBase = pixelBase;
        _pixelRow = pixelRow;
        _pixelColumn = pixelColumn;
        _g = g;
        _rowQuads = ((g.OutChannels / g.Groups) + 3) / 4;
        _weightBase = group * (g.InChannels / g.Groups * g.Kernel * g.Kernel);
        _column = (Grid.IdxY * tile.Channels / 4) + (Group.IdxX % (tile.Channels / 4));
        _end = end;
    }

    /// <summary>This thread's loads of the step that starts at reduction value <paramref name="k0"/>.</summary>
    public Staged Load(int k0)
    {
        TTile tile = default;
        int k = k0 + (Group.IdxX % tile.Depth);
        int inPerGroup = _g.InChannels / _g.Groups;
        int tap = k / inPerGroup;
        var window = new Window(k < _end, tap / _g.Kernel * _g.Dilation, tap % _g.Kernel * _g.Dilation, k % inPerGroup);
        int pixel = Group.IdxX / tile.Depth;
        int pixelStep = tile.Threads / tile.Depth;
        Staged staged = default;
        staged.P0 = Gather8(window, pixel, pixelStep);
        if (tile.PatchLoads > 8)
        {
            staged.P1 = Gather8(window, pixel + (8 * pixelStep), pixelStep);
        }

        if (tile.PatchLoads > 16)
        {
            staged.P2 = Gather8(window, pixel + (16 * pixelStep), pixelStep);
            staged.P3 = Gather8(window, pixel + (24 * pixelStep), pixelStep);
        }

        int row = Group.IdxX / (tile.Channels / 4);
        int rowStep = tile.Threads / (tile.Channels / 4);
        staged.W0 = WeightQuad(k0, row);
        if (tile.WeightQuadLoads > 1)
        {
            staged.W1 = WeightQuad(k0, row + rowStep);
        }

        if (tile.WeightQuadLoads > 2)
        {
            staged.W2 = WeightQuad(k0, row + (2 * rowStep));
            staged.W3 = WeightQuad(k0, row + (3 * rowStep));
        }

        return staged;
    }

    /// <summary>Stores <paramref name="staged"/> into stage <paramref name="stage"/> of the shared tiles.</summary>
    public void Store(ArrayView<float> patchTiles, ArrayView<Quad> weightTiles, int stage, Staged staged)
    {
        TTile tile = default;
        int patch = (stage * tile.InputTileLength) + ((Group.IdxX % tile.Depth) * tile.InputTileStride) + (Group.IdxX / tile.Depth);
        int pixelStep = tile.Threads / tile.Depth;
        Scatter8(patchTiles, patch, pixelStep, staged.P0);
        if (tile.PatchLoads > 8)
        {
            Scatter8(patchTiles, patch + (8 * pixelStep), pixelStep, staged.P1);
        }

        if (tile.PatchLoads > 16)
        {
            Scatter8(patchTiles, patch + (16 * pixelStep), pixelStep, staged.P2);
            Scatter8(patchTiles, patch + (24 * pixelStep), pixelStep, staged.P3);
        }

        int quadColumn = Group.IdxX % (tile.Channels / 4);
        int row = Group.IdxX / (tile.Channels / 4);
        int rowStep = tile.Threads / (tile.Channels / 4);
        int weights = (stage * tile.WeightTileLength) + quadColumn + (quadColumn / 8);
        StoreQuad(weightTiles, weights, row, staged.W0);
        if (tile.WeightQuadLoads > 1)
        {
            StoreQuad(weightTiles, weights, row + rowStep, staged.W1);
        }

        if (tile.WeightQuadLoads > 2)
        {
            StoreQuad(weightTiles, weights, row + (2 * rowStep), staged.W2);
            StoreQuad(weightTiles, weights, row + (3 * rowStep), staged.W3);
        }
    }

    /// <summary>Eight patch values of this thread's k, for pixels <paramref name="pixel"/> + i x <paramref name="step"/>.</summary>
    private Row8 Gather8(Window window, int pixel, int step) => new()
    {
        C0 = Gather(window, pixel),
        C1 = Gather(window, pixel + step),
        C2 = Gather(window, pixel + (2 * step)),
        C3 = Gather(window, pixel + (3 * step)),
        C4 = Gather(window, pixel + (4 * step)),
        C5 = Gather(window, pixel + (5 * step)),
        C6 = Gather(window, pixel + (6 * step)),
        C7 = Gather(window, pixel + (7 * step)),
    };

    /// <summary>One patch value: the input under tile pixel <paramref name="mm"/>'s window, or 0 for padding, pixels past the end and k past the slice.</summary>
    private float Gather(Window window, int mm)
    {
        int start = _pixelBase[mm];
        int iy = _pixelRow[mm] + window.Dy;
        int ix = _pixelColumn[mm] + window.Dx;
        return window.Live && start >= 0 && iy >= 0 && iy < _g.InHeight && ix >= 0 && ix < _g.InWidth
            ? _input[start + ((((iy * _g.InWidth) + ix) * _g.InChannels) + window.Channel)]
            : 0f;
    }

    /// <summary>The weight quad of row <paramref name="row"/> of the step at <paramref name="k0"/>, or zeros outside the tile, the slice or the row.</summary>
    private Quad WeightQuad(int k0, int row)
    {
        TTile tile = default;
        int k = k0 + row;
        return row < tile.Depth && k < _end && _column < _rowQuads ? _weights[((_weightBase + k) * _rowQuads) + _column] : default;
    }

    private static void Scatter8(ArrayView<float> tile, int offset, int step, Row8 values)
    {
        tile[offset] = values.C0;
        tile[offset + step] = values.C1;
        tile[offset + (2 * step)] = values.C2;
        tile[offset + (3 * step)] = values.C3;
        tile[offset + (4 * step)] = values.C4;
        tile[offset + (5 * step)] = values.C5;
        tile[offset + (6 * step)] = values.C6;
        tile[offset + (7 * step)] = values.C7;
    }

    private static void StoreQuad(ArrayView<Quad> weightTiles, int column, int row, Quad value)
    {
        TTile tile = default;
        if (row < tile.Depth)
        {
            weightTiles[column + (row * tile.WeightTileStride)] = value;
        }
    }
}

/// <summary>What one k of a step reads: whether it lies inside the slice, its tap's offsets and its input channel.</summary>
internal readonly struct Window
{
    public Window(bool live, int dy, int dx, int channel)
    {
        Live = live;
        Dy = dy;
        Dx = dx;
        Channel = channel;
    }

    public bool Live { get; }

    public int Dy { get; }

    public int Dx { get; }

    public int Channel { get; }
}

/// <summary>One thread's block of sums: up to eight <see cref="Row8"/>s, one per pixel, kept in registers (rows past the tile's <c>RowsPerThread</c> stay unused).</summary>
internal struct Block8
{
    public Row8 R0, R1, R2, R3, R4, R5, R6, R7;
}

/// <summary>The split-K pass stores raw sums: no bias (the reduction adds it once), no residual, no ReLU.</summary>
internal readonly struct RawSum : IDeviceEpilogue
{
    public bool UsesResidual => false;

    public bool AddsBias => false;

    public float Apply(float sum, float residual) => sum;
}

/// <summary>
/// The end of a split-K convolution: each output is the sum of its slices in slice order, plus the bias, through the
/// epilogue; one thread per output.
/// </summary>
internal static class SplitReduceKernel
{
    public static void Run<TEpilogue>(Index1D index, ArrayView<float> partials, ArrayView<float> bias, ArrayView<float> residual, ArrayView<float> output, int outChannels, int splits)
        where TEpilogue : struct, IDeviceEpilogue
    {
        TEpilogue epilogue = default;
        long length = output.Length;
        float sum = 0f;
        for (int split = 0; split < splits; split++)
        {
            sum += partials[(split * length) + index];
        }

        output[index] = epilogue.Apply(sum + bias[index % outChannels], epilogue.UsesResidual ? residual[index] : 0f);
    }
}

/// <summary>Stores one thread's rows of outputs through the epilogue, skipping pixels and channels past the end.</summary>
internal readonly struct OutputStore<TEpilogue>
    where TEpilogue : struct, IDeviceEpilogue
{
    private readonly ArrayView<float> _bias;
    private readonly ArrayView<float> _residual;
    private readonly ArrayView<float> _output;
    private readonly int _channel;
    private readonly int _groupStart;
    private readonly int _perGroup;
    private readonly int _pixels;
    private readonly int _outChannels;

    public OutputStore(ArrayView<float> bias, ArrayView<float> residual, ArrayView<float> output, int channel, int groupStart, int perGroup, int pixels, int outChannels)
    {
        _bias = bias;
        _residual = residual;
        _output = output;
        _channel = channel;
        _groupStart = groupStart;
        _perGroup = perGroup;
        _pixels = pixels;
        _outChannels = outChannels;
    }

    /// <summary>Eight channels of one pixel.</summary>
    public void Row(int pixel, Row8 sums)
    {
        if (pixel < _pixels)
        {
            One(pixel, 0, sums.C0);
            One(pixel, 1, sums.C1);
            One(pixel, 2, sums.C2);
            One(pixel, 3, sums.C3);
            One(pixel, 4, sums.C4);
            One(pixel, 5, sums.C5);
            One(pixel, 6, sums.C6);
            One(pixel, 7, sums.C7);
        }
    }

    private void One(int pixel, int lane, float sum)
    {
        int channel = _channel + lane;
        if (channel < _perGroup)
        {
            TEpilogue epilogue = default;
            int outChannel = _groupStart + channel;
            int index = (pixel * _outChannels) + outChannel;
            _output[index] = epilogue.Apply(epilogue.AddsBias ? sum + _bias[outChannel] : sum, epilogue.UsesResidual ? _residual[index] : 0f);
        }
    }
}
