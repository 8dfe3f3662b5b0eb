        /// <summary>
        /// Runs the network on 1 to <see cref="BatchSize"/> images: <paramref name="input"/> holds that many whole images, <see cref="InputLength"/> floats for a full batch (NCHW), and <paramref name="output"/> receives <see cref="NumClasses"/> logits per image.
        /// </summary>
        /// <remarks>
        /// <para>torchvision ResNet: basic blocks [1, 1, 1, 1], 10 classes, 3x64x72 input, batch 2: 12 convolutions with batch norm
        /// folded in, 4 residual blocks (3 with projection shortcuts), 4,910,922 parameters, 88,962,048 multiply-accumulates per image.</para>
        /// <para>Memory plan: 15 intermediate feature maps and 5 Winograd workspaces share one arena of 217,088 floats (0.8 MB) instead of 2.9 MB without reuse. The last convolution of each of the 4 residual blocks writes its sums over the shortcut it adds, each element read just before it is replaced.
        /// Each concurrent call rents its own arena from a pool, so calls from several threads are safe and steady-state calls allocate nothing.</para>
        /// </remarks>
        /// <param name="input">The images, NCHW float32. For torchvision's ImageNet weights: RGB, each channel scaled to [0, 1] and normalised with mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225), as torchvision's eval transform does; <see cref="global::ResNetGen.ImageNetTransform"/> writes exactly this from decoded pixels, one image (or one image of a batch) at a time.</param>
        /// <param name="output">Receives the logits, one row of <see cref="NumClasses"/> per image.</param>
        /// <exception cref="global::System.ArgumentException">A span does not have the expected length.</exception>
        [global::System.CodeDom.Compiler.GeneratedCode("ResNetGen.Generator", "{version}")]
        public void Forward(global::System.ReadOnlySpan<float> input, global::System.Span<float> output)
        {
            int images = global::ResNetGen.ForwardArguments.Images(input.Length, InputChannels * InputHeight * InputWidth, output.Length, NumClasses, BatchSize);
            float[] rented = _arenas.Rent();
            try
            {
                global::System.Span<float> arena = rented;
                RunBackbone(input, arena, images);

                // avgpool: adaptive average to 1x1, 512x2x3 → 512x1x1
                global::ResNetGen.Kernels.GlobalAveragePool.Forward(source: arena.Slice(79872, 6144), destination: arena.Slice(0, 1024), batch: images, channels: 512, height: 2, width: 3);

                // fc: 512 → 10 classes
                global::ResNetGen.Kernels.Linear.Forward(_fc, source: arena.Slice(0, 1024), destination: output, batch: images, inFeatures: 512, outFeatures: 10, workers: _workers);
            }
            finally
            {
                _arenas.Return(rented);
            }
        }

        /// <summary>
        /// Runs the network up to <c>avgpool</c> and writes the pooled features <c>fc</c> would read,
        /// <see cref="FeatureLength"/> per image: the embedding of <c>torch.flatten(model.avgpool(...), 1)</c>.
        /// Takes the same input as <see cref="Forward"/>.
        /// </summary>
        /// <param name="input">The images, NCHW float32. For torchvision's ImageNet weights: RGB, each channel scaled to [0, 1] and normalised with mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225), as torchvision's eval transform does; <see cref="global::ResNetGen.ImageNetTransform"/> writes exactly this from decoded pixels, one image (or one image of a batch) at a time.</param>
        /// <param name="features">Receives one row of <see cref="FeatureLength"/> features per image.</param>
        /// <exception cref="global::System.ArgumentException">A span does not have the expected length.</exception>
        [global::System.CodeDom.Compiler.GeneratedCode("ResNetGen.Generator", "{version}")]
        public void ForwardFeatures(global::System.ReadOnlySpan<float> input, global::System.Span<float> features)
        {
            int images = global::ResNetGen.ForwardArguments.Images(input.Length, InputChannels * InputHeight * InputWidth, features.Length, FeatureLength, BatchSize, "features", "FeatureLength");
            float[] rented = _arenas.Rent();
            try
            {
                global::System.Span<float> arena = rented;
                RunBackbone(input, arena, images);

                // avgpool: adaptive average to 1x1, 512x2x3 → 512x1x1
                global::ResNetGen.Kernels.GlobalAveragePool.Forward(source: arena.Slice(79872, 6144), destination: features, batch: images, channels: 512, height: 2, width: 3);
            }
            finally
            {
                _arenas.Return(rented);
            }
        }

        /// <summary>Every op from the input to the last residual block, in execution order, one kernel call each (the max pool in its convolution's).</summary>
        [global::System.CodeDom.Compiler.GeneratedCode("ResNetGen.Generator", "{version}")]
        private void RunBackbone(global::System.ReadOnlySpan<float> input, global::System.Span<float> arena, int images)
        {
            // input: NCHW → NHWC (channels-last, the layout of every feature map below), zero border of 3 for conv1, 3x64x72 → 3x70x78
            global::ResNetGen.Kernels.Layout.ToChannelsLast(source: input, destination: arena.Slice(184320, 32760), batch: images, channels: 3, height: 64, width: 72, padding: 3);

            // conv1 + bn1 + relu: 7x7 stride 2 padding 3, 3x64x72 → 64x32x36
            // and maxpool, band by band: each band of output rows is pooled as soon as it is made.
            global::ResNetGen.Kernels.Convolution.ForwardMaxPooled<global::ResNetGen.Kernels.BiasRelu>(
                _conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 3, inHeight: 70, inWidth: 78, outChannels: 64, outHeight: 32, outWidth: 36, kernel: 7, stride: 2, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Rows,
                source: arena.Slice(184320, 32760),
                convolved: arena.Slice(0, 147456),
                destination: arena.Slice(147456, 36864),
                workers: _workers);

            // maxpool: 3x3 stride 2, 64x32x36 → 64x16x18
            // (pooled in the convolution's call above)

            // layer1.0: basic block 64→64, 16x18, identity shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer1_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 64, inHeight: 16, inWidth: 18, outChannels: 64, outHeight: 16, outWidth: 18, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1),
                _layer1_0_conv1Algorithm,
                source: arena.Slice(147456, 36864),
                destination: arena.Slice(73728, 36864),
                residual: default,
                workspace: arena.Slice(0, 73728),
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer1_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 64, inHeight: 16, inWidth: 18, outChannels: 64, outHeight: 16, outWidth: 18, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1),
                _layer1_0_conv2Algorithm,
                source: arena.Slice(73728, 36864),
                destination: arena.Slice(147456, 36864),
                residual: arena.Slice(147456, 36864),
                workspace: arena.Slice(0, 73728),
                workers: _workers);

            // layer2.0: basic block 64→128, stride 2, 16x18 → 8x9, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer2_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 64, inHeight: 16, inWidth: 18, outChannels: 128, outHeight: 8, outWidth: 9, kernel: 3, stride: 2, padding: 1, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(147456, 36864),
                destination: arena.Slice(73728, 18432),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer2_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 64, inHeight: 16, inWidth: 18, outChannels: 128, outHeight: 8, outWidth: 9, kernel: 1, stride: 2, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(147456, 36864),
                destination: arena.Slice(92160, 18432),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer2_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 128, inHeight: 8, inWidth: 9, outChannels: 128, outHeight: 8, outWidth: 9, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1),
                _layer2_0_conv2Algorithm,
                source: arena.Slice(73728, 18432),
                destination: arena.Slice(92160, 18432),
                residual: arena.Slice(92160, 18432),
                workspace: arena.Slice(0, 73728),
                workers: _workers);

            // layer3.0: basic block 128→256, stride 2, 8x9 → 4x5, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer3_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 128, inHeight: 8, inWidth: 9, outChannels: 256, outHeight: 4, outWidth: 5, kernel: 3, stride: 2, padding: 1, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(92160, 18432),
                destination: arena.Slice(73728, 10240),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer3_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 128, inHeight: 8, inWidth: 9, outChannels: 256, outHeight: 4, outWidth: 5, kernel: 1, stride: 2, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(92160, 18432),
                destination: arena.Slice(110592, 10240),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer3_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 256, inHeight: 4, inWidth: 5, outChannels: 256, outHeight: 4, outWidth: 5, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1),
                _layer3_0_conv2Algorithm,
                source: arena.Slice(73728, 10240),
                destination: arena.Slice(110592, 10240),
                residual: arena.Slice(110592, 10240),
                workspace: arena.Slice(0, 73728),
                workers: _workers);

            // layer4.0: basic block 256→512, stride 2, 4x5 → 2x3, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer4_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 256, inHeight: 4, inWidth: 5, outChannels: 512, outHeight: 2, outWidth: 3, kernel: 3, stride: 2, padding: 1, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(110592, 10240),
                destination: arena.Slice(73728, 6144),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer4_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 256, inHeight: 4, inWidth: 5, outChannels: 512, outHeight: 2, outWidth: 3, kernel: 1, stride: 2, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(110592, 10240),
                destination: arena.Slice(79872, 6144),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer4_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: images, inChannels: 512, inHeight: 2, inWidth: 3, outChannels: 512, outHeight: 2, outWidth: 3, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1),
                _layer4_0_conv2Algorithm,
                source: arena.Slice(73728, 6144),
                destination: arena.Slice(79872, 6144),
                residual: arena.Slice(79872, 6144),
                workspace: arena.Slice(0, 73728),
                workers: _workers);
        }
