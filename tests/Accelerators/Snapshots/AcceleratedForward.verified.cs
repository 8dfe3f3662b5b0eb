        /// <summary>
        /// Builds this network on an ILGPU accelerator (CUDA, OpenCL or CPU): binds <paramref name="weights"/> strictly, as
        /// <see cref="FromStateDict"/> does, folds batch norm with the same code as the CPU layers, uploads the weights once and
        /// compiles the kernels once per accelerator.
        /// </summary>
        /// <param name="accelerator">The device; dispose the network before it.</param>
        /// <param name="weights">A torchvision state_dict, keyed and shaped exactly as <see cref="Parameters"/>.</param>
        /// <exception cref="global::System.ArgumentNullException"><paramref name="accelerator"/> is null.</exception>
        /// <exception cref="global::ResNetGen.WeightLoadException">Keys are missing or unexpected, or shapes differ; the message lists them all.</exception>
        /// <exception cref="global::ResNetGen.Ilgpu.InsufficientDeviceMemoryException">The device has no room for the weights.</exception>
        [global::System.CodeDom.Compiler.GeneratedCode("ResNetGen.Generator", "{version}")]
        public static Accelerated OnAccelerator(global::ILGPU.Runtime.Accelerator accelerator, global::ResNetGen.StateDict weights) =>
            new Accelerated(accelerator, global::ResNetGen.StateDictLoader.Bind(weights, Parameters));

        /// <summary>
        /// <see cref="Net"/> on an ILGPU accelerator: the same plan, one kernel launch per op. <c>Forward</c> and
        /// <c>ForwardFeatures</c> take host spans (copied to and from the device) or device views of the same accelerator (no
        /// copies); all return when the output is there.
        /// </summary>
        /// <remarks>
        /// Thread safety: <c>Forward</c> may be called from several threads at once; each call rents its own device arena and
        /// stream. <c>Dispose</c> frees the device memory and must not run during a call; calls after it throw
        /// <see cref="global::System.ObjectDisposedException"/>.
        /// </remarks>
        [global::System.CodeDom.Compiler.GeneratedCode("ResNetGen.Generator", "{version}")]
        public sealed class Accelerated : global::ResNetGen.Ilgpu.AcceleratedNetwork
        {
            // Weights folded and uploaded once, when the network is built.
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _conv1;
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _layer1_0_conv1;
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _layer1_0_conv2;
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _layer1_0_downsample_0;
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _layer1_0_conv3;
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _layer2_0_conv1;
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _layer2_0_conv2;
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _layer2_0_downsample_0;
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _layer2_0_conv3;
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _layer3_0_conv1;
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _layer3_0_conv2;
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _layer3_0_downsample_0;
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _layer3_0_conv3;
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _layer4_0_conv1;
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _layer4_0_conv2;
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _layer4_0_downsample_0;
            private readonly global::ResNetGen.Ilgpu.DeviceConvolutionLayer _layer4_0_conv3;
            private readonly global::ResNetGen.Ilgpu.DeviceLinearLayer _fc;

            /// <summary>Uploads every layer of a state_dict already bound to <see cref="Parameters"/>; on failure frees what was uploaded.</summary>
            [global::System.CodeDom.Compiler.GeneratedCode("ResNetGen.Generator", "{version}")]
            internal Accelerated(global::ILGPU.Runtime.Accelerator accelerator, global::ResNetGen.StateDict weights) : base(accelerator, batchSize: 2, imageLength: 3072, outputsPerImage: 10, featureLength: 2048, arenaLength: 83968)
            {
                try
                {
                    Kernels.RequireTile<global::ResNetGen.Ilgpu.Tile32x64x32>();
                    _conv1 = FoldConvolution(weights, "conv1", "bn1", groups: 1);
                    _layer1_0_conv1 = FoldConvolution(weights, "layer1.0.conv1", "layer1.0.bn1", groups: 1);
                    _layer1_0_conv2 = FoldConvolution(weights, "layer1.0.conv2", "layer1.0.bn2", groups: 2);
                    _layer1_0_downsample_0 = FoldConvolution(weights, "layer1.0.downsample.0", "layer1.0.downsample.1", groups: 1);
                    _layer1_0_conv3 = FoldConvolution(weights, "layer1.0.conv3", "layer1.0.bn3", groups: 1);
                    _layer2_0_conv1 = FoldConvolution(weights, "layer2.0.conv1", "layer2.0.bn1", groups: 1);
                    _layer2_0_conv2 = FoldConvolution(weights, "layer2.0.conv2", "layer2.0.bn2", groups: 2);
                    _layer2_0_downsample_0 = FoldConvolution(weights, "layer2.0.downsample.0", "layer2.0.downsample.1", groups: 1);
                    _layer2_0_conv3 = FoldConvolution(weights, "layer2.0.conv3", "layer2.0.bn3", groups: 1);
                    _layer3_0_conv1 = FoldConvolution(weights, "layer3.0.conv1", "layer3.0.bn1", groups: 1);
                    _layer3_0_conv2 = FoldConvolution(weights, "layer3.0.conv2", "layer3.0.bn2", groups: 2);
                    _layer3_0_downsample_0 = FoldConvolution(weights, "layer3.0.downsample.0", "layer3.0.downsample.1", groups: 1);
                    _layer3_0_conv3 = FoldConvolution(weights, "layer3.0.conv3", "layer3.0.bn3", groups: 1);
                    _layer4_0_conv1 = FoldConvolution(weights, "layer4.0.conv1", "layer4.0.bn1", groups: 1);
                    _layer4_0_conv2 = FoldConvolution(weights, "layer4.0.conv2", "layer4.0.bn2", groups: 2, firstTap: 1, taps: 2);
                    _layer4_0_downsample_0 = FoldConvolution(weights, "layer4.0.downsample.0", "layer4.0.downsample.1", groups: 1);
                    _layer4_0_conv3 = FoldConvolution(weights, "layer4.0.conv3", "layer4.0.bn3", groups: 1);
                    _fc = CreateLinear(weights, "fc");
                }
                catch
                {
                    Dispose();
                    throw;
                }
            }

            /// <summary>
            /// Enqueues the whole network on the arena's stream, 31 launches in the order of the graph, the whole batch layer by layer.
            /// </summary>
            [global::System.CodeDom.Compiler.GeneratedCode("ResNetGen.Generator", "{version}")]
            protected override void Run(global::ResNetGen.Ilgpu.DeviceArena arena, global::ILGPU.ArrayView<float> input, global::ILGPU.ArrayView<float> output, int images)
            {
                RunBackbone(arena, input, images);

                // avgpool: adaptive average to 1x1, 2048x1x1 → 2048x1x1
                Kernels.GlobalAveragePool(arena.Stream, source: arena.Slice(8192, 4096), destination: arena.Slice(0, 4096), batch: images, channels: 2048, height: 1, width: 1);

                // fc: 2048 → 10 classes
                Kernels.Linear(arena.Stream, _fc, source: arena.Slice(0, 4096), destination: output, batch: images, inFeatures: 2048, outFeatures: 10);
            }

            /// <summary>Enqueues the network up to <c>avgpool</c>, which writes the pooled features into <paramref name="features"/>.</summary>
            [global::System.CodeDom.Compiler.GeneratedCode("ResNetGen.Generator", "{version}")]
            protected override void RunFeatures(global::ResNetGen.Ilgpu.DeviceArena arena, global::ILGPU.ArrayView<float> input, global::ILGPU.ArrayView<float> features, int images)
            {
                RunBackbone(arena, input, images);

                // avgpool: adaptive average to 1x1, 2048x1x1 → 2048x1x1
                Kernels.GlobalAveragePool(arena.Stream, source: arena.Slice(8192, 4096), destination: features, batch: images, channels: 2048, height: 1, width: 1);
            }

            /// <summary>
            /// Enqueues every op from the input to the last residual block (torchvision ResNet: bottleneck blocks [1, 1, 1, 1] (2 groups, width per group 16), batch 2).
            /// Every convolution is the implicit GEMM on the device, with the live taps, tile and K split the device schedule chose from its shapes for a GPU of 132 multiprocessors
            /// (said over each launch); the device arena holds the feature maps and the split convolutions' partial sums (83,968 floats, 0.3 MB).
            /// </summary>
            [global::System.CodeDom.Compiler.GeneratedCode("ResNetGen.Generator", "{version}")]
            private void RunBackbone(global::ResNetGen.Ilgpu.DeviceArena arena, global::ILGPU.ArrayView<float> input, int images)
            {
                // input: NCHW → NHWC (channels-last, the layout of every feature map below), zero border of 3 for conv1, 3x32x32 → 3x38x38
                Kernels.ToChannelsLast(arena.Stream, source: input, destination: arena.Slice(32768, 8664), batch: images, channels: 3, height: 32, width: 32, padding: 3);

                // conv1 + bn1 + relu: 7x7 stride 2 padding 3, 3x32x32 → 64x16x16
                // Tile32x64x32, K whole, 16 groups at batch 2: too few pixels for a larger tile to fill the device.
                Kernels.Convolution<global::ResNetGen.Ilgpu.BiasRelu, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _conv1,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 3, inHeight: 38, inWidth: 38, outChannels: 64, outHeight: 16, outWidth: 16, kernel: 7, stride: 2, padding: 0, dilation: 1, groups: 1),
                    source: arena.Slice(32768, 8664),
                    destination: arena.Slice(0, 32768),
                    residual: default);

                // maxpool: 3x3 stride 2, 64x16x16 → 64x8x8
                Kernels.MaxPool(arena.Stream, source: arena.Slice(0, 32768), destination: arena.Slice(32768, 8192), batch: images, channels: 64, inHeight: 16, inWidth: 16, outHeight: 8, outWidth: 8, kernel: 3, stride: 2, padding: 1);

                // layer1.0: bottleneck 64→32→256 (2 groups), 8x8, projection shortcut
                // Tile32x64x32, K whole, 4 groups at batch 2: too few pixels for a larger tile to fill the device.
                Kernels.Convolution<global::ResNetGen.Ilgpu.BiasRelu, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _layer1_0_conv1,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 64, inHeight: 8, inWidth: 8, outChannels: 32, outHeight: 8, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                    source: arena.Slice(32768, 8192),
                    destination: arena.Slice(0, 4096),
                    residual: default);
                // Tile32x64x32, K whole, 8 groups at batch 2: too few pixels for a larger tile to fill the device.
                Kernels.Convolution<global::ResNetGen.Ilgpu.BiasRelu, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _layer1_0_conv2,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 32, inHeight: 8, inWidth: 8, outChannels: 32, outHeight: 8, outWidth: 8, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 2),
                    source: arena.Slice(0, 4096),
                    destination: arena.Slice(65536, 4096),
                    residual: default);
                // Tile32x64x32, K whole, 16 groups at batch 2: too few pixels for a larger tile to fill the device.
                Kernels.Convolution<global::ResNetGen.Ilgpu.Bias, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _layer1_0_downsample_0,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 64, inHeight: 8, inWidth: 8, outChannels: 256, outHeight: 8, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                    source: arena.Slice(32768, 8192),
                    destination: arena.Slice(0, 32768),
                    residual: default);
                // Tile32x64x32, K whole, 16 groups at batch 2: too few pixels for a larger tile to fill the device.
                Kernels.Convolution<global::ResNetGen.Ilgpu.BiasResidualRelu, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _layer1_0_conv3,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 32, inHeight: 8, inWidth: 8, outChannels: 256, outHeight: 8, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                    source: arena.Slice(65536, 4096),
                    destination: arena.Slice(32768, 32768),
                    residual: arena.Slice(0, 32768));

                // layer2.0: bottleneck 256→64→512 (2 groups), stride 2, 8x8 → 4x4, projection shortcut
                // Tile32x64x32, K in 2 slices of 4 steps, 8 groups at batch 2: too few pixels for a larger tile to fill the device; 4 groups alone would leave multiprocessors short of two each, so K is split in 2.
                Kernels.Convolution<global::ResNetGen.Ilgpu.BiasRelu, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _layer2_0_conv1,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 256, inHeight: 8, inWidth: 8, outChannels: 64, outHeight: 8, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                    source: arena.Slice(32768, 32768),
                    destination: arena.Slice(16384, 8192),
                    residual: default,
                    kSplit: 2,
                    partials: arena.Slice(0, 16384));
                // Tile32x64x32, K in 2 slices of 5 steps, 4 groups at batch 2: too few pixels for a larger tile to fill the device; 2 groups alone would leave multiprocessors short of two each, so K is split in 2.
                Kernels.Convolution<global::ResNetGen.Ilgpu.BiasRelu, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _layer2_0_conv2,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 64, inHeight: 8, inWidth: 8, outChannels: 64, outHeight: 4, outWidth: 4, kernel: 3, stride: 2, padding: 1, dilation: 1, groups: 2),
                    source: arena.Slice(16384, 8192),
                    destination: arena.Slice(81920, 2048),
                    residual: default,
                    kSplit: 2,
                    partials: arena.Slice(0, 4096));
                // Tile32x64x32, K in 2 slices of 4 steps, 16 groups at batch 2: too few pixels for a larger tile to fill the device; 8 groups alone would leave multiprocessors short of two each, so K is split in 2.
                Kernels.Convolution<global::ResNetGen.Ilgpu.Bias, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _layer2_0_downsample_0,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 256, inHeight: 8, inWidth: 8, outChannels: 512, outHeight: 4, outWidth: 4, kernel: 1, stride: 2, padding: 0, dilation: 1, groups: 1),
                    source: arena.Slice(32768, 32768),
                    destination: arena.Slice(65536, 16384),
                    residual: default,
                    kSplit: 2,
                    partials: arena.Slice(0, 32768));
                // Tile32x64x32, K whole, 8 groups at batch 2: too few pixels for a larger tile to fill the device.
                Kernels.Convolution<global::ResNetGen.Ilgpu.BiasResidualRelu, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _layer2_0_conv3,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 64, inHeight: 4, inWidth: 4, outChannels: 512, outHeight: 4, outWidth: 4, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                    source: arena.Slice(81920, 2048),
                    destination: arena.Slice(32768, 16384),
                    residual: arena.Slice(65536, 16384));

                // layer3.0: bottleneck 512→128→1024 (2 groups), stride 2, 4x4 → 2x2, projection shortcut
                // Tile32x64x32, K in 4 slices of 4 steps, 8 groups at batch 2: too few pixels for a larger tile to fill the device; 2 groups alone would leave multiprocessors short of two each, so K is split in 4.
                Kernels.Convolution<global::ResNetGen.Ilgpu.BiasRelu, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _layer3_0_conv1,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 512, inHeight: 4, inWidth: 4, outChannels: 128, outHeight: 4, outWidth: 4, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                    source: arena.Slice(32768, 16384),
                    destination: arena.Slice(16384, 4096),
                    residual: default,
                    kSplit: 4,
                    partials: arena.Slice(0, 16384));
                // Tile32x64x32, K in 4 slices of 5 steps, 8 groups at batch 2: too few pixels for a larger tile to fill the device; 2 groups alone would leave multiprocessors short of two each, so K is split in 4.
                Kernels.Convolution<global::ResNetGen.Ilgpu.BiasRelu, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _layer3_0_conv2,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 128, inHeight: 4, inWidth: 4, outChannels: 128, outHeight: 2, outWidth: 2, kernel: 3, stride: 2, padding: 1, dilation: 1, groups: 2),
                    source: arena.Slice(16384, 4096),
                    destination: arena.Slice(57344, 1024),
                    residual: default,
                    kSplit: 4,
                    partials: arena.Slice(0, 4096));
                // Tile32x64x32, K in 4 slices of 4 steps, 64 groups at batch 2: too few pixels for a larger tile to fill the device; 16 groups alone would leave multiprocessors short of two each, so K is split in 4.
                Kernels.Convolution<global::ResNetGen.Ilgpu.Bias, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _layer3_0_downsample_0,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 512, inHeight: 4, inWidth: 4, outChannels: 1024, outHeight: 2, outWidth: 2, kernel: 1, stride: 2, padding: 0, dilation: 1, groups: 1),
                    source: arena.Slice(32768, 16384),
                    destination: arena.Slice(49152, 8192),
                    residual: default,
                    kSplit: 4,
                    partials: arena.Slice(0, 32768));
                // Tile32x64x32, K whole, 16 groups at batch 2: too few pixels for a larger tile to fill the device.
                Kernels.Convolution<global::ResNetGen.Ilgpu.BiasResidualRelu, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _layer3_0_conv3,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 128, inHeight: 2, inWidth: 2, outChannels: 1024, outHeight: 2, outWidth: 2, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                    source: arena.Slice(57344, 1024),
                    destination: arena.Slice(32768, 8192),
                    residual: arena.Slice(49152, 8192));

                // layer4.0: bottleneck 1024→256→2048 (2 groups), stride 2, 2x2 → 1x1, projection shortcut
                // Tile32x64x32, K in 8 slices of 4 steps, 32 groups at batch 2: too few pixels for a larger tile to fill the device; 4 groups alone would leave multiprocessors short of two each, so K is split in 8.
                Kernels.Convolution<global::ResNetGen.Ilgpu.BiasRelu, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _layer4_0_conv1,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 1024, inHeight: 2, inWidth: 2, outChannels: 256, outHeight: 2, outWidth: 2, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                    source: arena.Slice(32768, 8192),
                    destination: arena.Slice(16384, 2048),
                    residual: default,
                    kSplit: 8,
                    partials: arena.Slice(0, 16384));
                // Live taps only: on a 2x2 map the 3x3 kernel reads inside the map through taps 1-2 of each axis, so K walks 512 values, not 1152.
                // Tile32x64x32, K in 4 slices of 4 steps, 16 groups at batch 2: too few pixels for a larger tile to fill the device; 4 groups alone would leave multiprocessors short of two each, so K is split in 4.
                Kernels.Convolution<global::ResNetGen.Ilgpu.BiasRelu, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _layer4_0_conv2,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 256, inHeight: 2, inWidth: 2, outChannels: 256, outHeight: 1, outWidth: 1, kernel: 2, stride: 2, padding: 0, dilation: 1, groups: 2),
                    source: arena.Slice(16384, 2048),
                    destination: arena.Slice(45056, 512),
                    residual: default,
                    kSplit: 4,
                    partials: arena.Slice(0, 2048));
                // Tile32x64x32, K in 8 slices of 4 steps, 256 groups at batch 2: too few pixels for a larger tile to fill the device; 32 groups alone would leave multiprocessors short of two each, so K is split in 8.
                Kernels.Convolution<global::ResNetGen.Ilgpu.Bias, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _layer4_0_downsample_0,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 1024, inHeight: 2, inWidth: 2, outChannels: 2048, outHeight: 1, outWidth: 1, kernel: 1, stride: 2, padding: 0, dilation: 1, groups: 1),
                    source: arena.Slice(32768, 8192),
                    destination: arena.Slice(40960, 4096),
                    residual: default,
                    kSplit: 8,
                    partials: arena.Slice(0, 32768));
                // Tile32x64x32, K in 2 slices of 4 steps, 64 groups at batch 2: too few pixels for a larger tile to fill the device; 32 groups alone would leave multiprocessors short of two each, so K is split in 2.
                Kernels.Convolution<global::ResNetGen.Ilgpu.BiasResidualRelu, global::ResNetGen.Ilgpu.Tile32x64x32>(
                    arena.Stream,
                    _layer4_0_conv3,
                    new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 256, inHeight: 1, inWidth: 1, outChannels: 2048, outHeight: 1, outWidth: 1, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                    source: arena.Slice(45056, 512),
                    destination: arena.Slice(8192, 4096),
                    residual: arena.Slice(40960, 4096),
                    kSplit: 2,
                    partials: arena.Slice(0, 8192));
            }
        }
