        /// <summary>
        /// Runs the network on one image: <paramref name="input"/> holds <see cref="InputLength"/> floats (NCHW), and <paramref name="output"/> receives <see cref="NumClasses"/> logits per image.
        /// </summary>
        /// <remarks>
        /// <para>torchvision ResNet: basic blocks [1, 1, 1, 1], 10 classes, 3x32x32 input, batch 1: 12 convolutions with batch norm
        /// folded in, 4 residual blocks (3 with projection shortcuts), 4,910,922 parameters, 18,142,208 multiply-accumulates per image.</para>
        /// <para>Memory plan: 15 intermediate feature maps share one arena of 20,720 floats (0.1 MB) instead of 0.2 MB without reuse.
        /// Each concurrent call rents its own arena from a pool, so calls from several threads are safe and steady-state calls allocate nothing.</para>
        /// </remarks>
        /// <param name="input">The images, NCHW float32. For torchvision's ImageNet weights: RGB, each channel scaled to [0, 1] and normalised with mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225), as torchvision's eval transform does; <see cref="global::ResNetGen.ImageNetTransform"/> writes exactly this from decoded pixels, one image (or one image of a batch) at a time.</param>
        /// <param name="output">Receives the logits, one row of <see cref="NumClasses"/> per image.</param>
        /// <exception cref="global::System.ArgumentException">A span does not have the expected length.</exception>
        [global::System.CodeDom.Compiler.GeneratedCode("ResNetGen.Generator", "{version}")]
        public void Forward(global::System.ReadOnlySpan<float> input, global::System.Span<float> output)
        {
            global::ResNetGen.ForwardArguments.Validate(input.Length, InputLength, output.Length, OutputLength);
            float[] rented = _arenas.Rent();
            try
            {
                global::System.Span<float> arena = rented;
                RunBackbone(input, arena);

                // avgpool: adaptive average to 1x1, 512x1x1 → 512x1x1
                global::ResNetGen.Kernels.GlobalAveragePool.Forward(source: arena.Slice(1024, 512), destination: arena.Slice(0, 512), batch: 1, channels: 512, height: 1, width: 1);

                // fc: 512 → 10 classes
                global::ResNetGen.Kernels.Linear.Forward(_fc, source: arena.Slice(0, 512), destination: output, batch: 1, inFeatures: 512, outFeatures: 10);
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
            global::ResNetGen.ForwardArguments.Validate(input.Length, InputLength, features.Length, BatchSize * FeatureLength, "features", "BatchSize x FeatureLength");
            float[] rented = _arenas.Rent();
            try
            {
                global::System.Span<float> arena = rented;
                RunBackbone(input, arena);

                // avgpool: adaptive average to 1x1, 512x1x1 → 512x1x1
                global::ResNetGen.Kernels.GlobalAveragePool.Forward(source: arena.Slice(1024, 512), destination: features, batch: 1, channels: 512, height: 1, width: 1);
            }
            finally
            {
                _arenas.Return(rented);
            }
        }

        /// <summary>Every op from the input to the last residual block, in execution order, one kernel call each.</summary>
        [global::System.CodeDom.Compiler.GeneratedCode("ResNetGen.Generator", "{version}")]
        private void RunBackbone(global::System.ReadOnlySpan<float> input, global::System.Span<float> arena)
        {
            // input: NCHW → NHWC (channels-last, the layout of every feature map below), zero border of 3 for conv1, 3x32x32 → 3x38x38
            global::ResNetGen.Kernels.Layout.ToChannelsLast(source: input, destination: arena.Slice(16384, 4332), batch: 1, channels: 3, height: 32, width: 32, padding: 3);

            // conv1 + bn1 + relu: 7x7 stride 2 padding 3, 3x32x32 → 64x16x16
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 3, inHeight: 38, inWidth: 38, outChannels: 64, outHeight: 16, outWidth: 16, kernel: 7, stride: 2, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Rows,
                source: arena.Slice(16384, 4332),
                destination: arena.Slice(0, 16384),
                residual: default);

            // maxpool: 3x3 stride 2, 64x16x16 → 64x8x8
            global::ResNetGen.Kernels.MaxPool.Forward(source: arena.Slice(0, 16384), destination: arena.Slice(16384, 4096), batch: 1, channels: 64, inHeight: 16, inWidth: 16, outHeight: 8, outWidth: 8, kernel: 3, stride: 2, padding: 1);

            // layer1.0: basic block 64→64, 8x8, identity shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer1_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 64, inHeight: 8, inWidth: 8, outChannels: 64, outHeight: 8, outWidth: 8, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(16384, 4096),
                destination: arena.Slice(0, 4096),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer1_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 64, inHeight: 8, inWidth: 8, outChannels: 64, outHeight: 8, outWidth: 8, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(0, 4096),
                destination: arena.Slice(4096, 4096),
                residual: arena.Slice(16384, 4096));

            // layer2.0: basic block 64→128, stride 2, 8x8 → 4x4, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer2_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 64, inHeight: 8, inWidth: 8, outChannels: 128, outHeight: 4, outWidth: 4, kernel: 3, stride: 2, padding: 1, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(4096, 4096),
                destination: arena.Slice(0, 2048),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer2_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 64, inHeight: 8, inWidth: 8, outChannels: 128, outHeight: 4, outWidth: 4, kernel: 1, stride: 2, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(4096, 4096),
                destination: arena.Slice(2048, 2048),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer2_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 128, inHeight: 4, inWidth: 4, outChannels: 128, outHeight: 4, outWidth: 4, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(0, 2048),
                destination: arena.Slice(4096, 2048),
                residual: arena.Slice(2048, 2048));

            // layer3.0: basic block 128→256, stride 2, 4x4 → 2x2, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer3_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 128, inHeight: 4, inWidth: 4, outChannels: 256, outHeight: 2, outWidth: 2, kernel: 3, stride: 2, padding: 1, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(4096, 2048),
                destination: arena.Slice(0, 1024),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer3_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 128, inHeight: 4, inWidth: 4, outChannels: 256, outHeight: 2, outWidth: 2, kernel: 1, stride: 2, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(4096, 2048),
                destination: arena.Slice(1024, 1024),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer3_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 256, inHeight: 2, inWidth: 2, outChannels: 256, outHeight: 2, outWidth: 2, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(0, 1024),
                destination: arena.Slice(2048, 1024),
                residual: arena.Slice(1024, 1024));

            // layer4.0: basic block 256→512, stride 2, 2x2 → 1x1, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer4_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 256, inHeight: 2, inWidth: 2, outChannels: 512, outHeight: 1, outWidth: 1, kernel: 3, stride: 2, padding: 1, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(2048, 1024),
                destination: arena.Slice(0, 512),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer4_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 256, inHeight: 2, inWidth: 2, outChannels: 512, outHeight: 1, outWidth: 1, kernel: 1, stride: 2, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(2048, 1024),
                destination: arena.Slice(512, 512),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer4_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 512, inHeight: 1, inWidth: 1, outChannels: 512, outHeight: 1, outWidth: 1, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(0, 512),
                destination: arena.Slice(1024, 512),
                residual: arena.Slice(512, 512));
        }
