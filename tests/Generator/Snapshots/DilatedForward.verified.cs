        /// <summary>
        /// Runs the network on one image: <paramref name="input"/> holds <see cref="InputLength"/> floats (NCHW), and <paramref name="output"/> receives <see cref="NumClasses"/> logits per image.
        /// </summary>
        /// <remarks>
        /// <para>torchvision ResNet: bottleneck blocks [1, 1, 1, 1] (dilation instead of stride in layer3, layer4), 21 classes, 3x48x64 input, batch 1: 17 convolutions with batch norm
        /// folded in, 4 residual blocks (4 with projection shortcuts), 8,058,965 parameters, 405,989,376 multiply-accumulates per image.</para>
        /// <para>Memory plan: 20 intermediate feature maps share one arena of 221,184 floats (0.8 MB) instead of 2.5 MB without reuse.
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

                // avgpool: adaptive average to 1x1, 2048x6x8 → 2048x1x1
                global::ResNetGen.Kernels.GlobalAveragePool.Forward(source: arena.Slice(98304, 98304), destination: arena.Slice(0, 2048), batch: 1, channels: 2048, height: 6, width: 8);

                // fc: 2048 → 21 classes
                global::ResNetGen.Kernels.Linear.Forward(_fc, source: arena.Slice(0, 2048), destination: output, batch: 1, inFeatures: 2048, outFeatures: 21);
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

                // avgpool: adaptive average to 1x1, 2048x6x8 → 2048x1x1
                global::ResNetGen.Kernels.GlobalAveragePool.Forward(source: arena.Slice(98304, 98304), destination: features, batch: 1, channels: 2048, height: 6, width: 8);
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
            // input: NCHW → NHWC (channels-last, the layout of every feature map below), zero border of 3 for conv1, 3x48x64 → 3x54x70
            global::ResNetGen.Kernels.Layout.ToChannelsLast(source: input, destination: arena.Slice(49152, 11340), batch: 1, channels: 3, height: 48, width: 64, padding: 3);

            // conv1 + bn1 + relu: 7x7 stride 2 padding 3, 3x48x64 → 64x24x32
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 3, inHeight: 54, inWidth: 70, outChannels: 64, outHeight: 24, outWidth: 32, kernel: 7, stride: 2, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Rows,
                source: arena.Slice(49152, 11340),
                destination: arena.Slice(0, 49152),
                residual: default);

            // maxpool: 3x3 stride 2, 64x24x32 → 64x12x16
            global::ResNetGen.Kernels.MaxPool.Forward(source: arena.Slice(0, 49152), destination: arena.Slice(49152, 12288), batch: 1, channels: 64, inHeight: 24, inWidth: 32, outHeight: 12, outWidth: 16, kernel: 3, stride: 2, padding: 1);

            // layer1.0: bottleneck 64→64→256, 12x16, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer1_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 64, inHeight: 12, inWidth: 16, outChannels: 64, outHeight: 12, outWidth: 16, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(49152, 12288),
                destination: arena.Slice(0, 12288),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer1_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 64, inHeight: 12, inWidth: 16, outChannels: 64, outHeight: 12, outWidth: 16, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(0, 12288),
                destination: arena.Slice(98304, 12288),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer1_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 64, inHeight: 12, inWidth: 16, outChannels: 256, outHeight: 12, outWidth: 16, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(49152, 12288),
                destination: arena.Slice(0, 49152),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer1_0_conv3,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 64, inHeight: 12, inWidth: 16, outChannels: 256, outHeight: 12, outWidth: 16, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(98304, 12288),
                destination: arena.Slice(49152, 49152),
                residual: arena.Slice(0, 49152));

            // layer2.0: bottleneck 256→128→512, stride 2, 12x16 → 6x8, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer2_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 256, inHeight: 12, inWidth: 16, outChannels: 128, outHeight: 12, outWidth: 16, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(49152, 49152),
                destination: arena.Slice(0, 24576),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer2_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 128, inHeight: 12, inWidth: 16, outChannels: 128, outHeight: 6, outWidth: 8, kernel: 3, stride: 2, padding: 1, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(0, 24576),
                destination: arena.Slice(24576, 6144),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer2_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 256, inHeight: 12, inWidth: 16, outChannels: 512, outHeight: 6, outWidth: 8, kernel: 1, stride: 2, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(49152, 49152),
                destination: arena.Slice(0, 24576),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer2_0_conv3,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 128, inHeight: 6, inWidth: 8, outChannels: 512, outHeight: 6, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(24576, 6144),
                destination: arena.Slice(49152, 24576),
                residual: arena.Slice(0, 24576));

            // layer3.0: bottleneck 512→256→1024, 6x8, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer3_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 512, inHeight: 6, inWidth: 8, outChannels: 256, outHeight: 6, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(49152, 24576),
                destination: arena.Slice(0, 12288),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer3_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 256, inHeight: 6, inWidth: 8, outChannels: 256, outHeight: 6, outWidth: 8, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(0, 12288),
                destination: arena.Slice(73728, 12288),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer3_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 512, inHeight: 6, inWidth: 8, outChannels: 1024, outHeight: 6, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(49152, 24576),
                destination: arena.Slice(0, 49152),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer3_0_conv3,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 256, inHeight: 6, inWidth: 8, outChannels: 1024, outHeight: 6, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(73728, 12288),
                destination: arena.Slice(98304, 49152),
                residual: arena.Slice(0, 49152));

            // layer4.0: bottleneck 1024→512→2048, dilation 2, 6x8, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer4_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 1024, inHeight: 6, inWidth: 8, outChannels: 512, outHeight: 6, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(98304, 49152),
                destination: arena.Slice(0, 24576),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer4_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 512, inHeight: 6, inWidth: 8, outChannels: 512, outHeight: 6, outWidth: 8, kernel: 3, stride: 1, padding: 2, dilation: 2, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(0, 24576),
                destination: arena.Slice(196608, 24576),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer4_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 1024, inHeight: 6, inWidth: 8, outChannels: 2048, outHeight: 6, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(98304, 49152),
                destination: arena.Slice(0, 98304),
                residual: default);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer4_0_conv3,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 512, inHeight: 6, inWidth: 8, outChannels: 2048, outHeight: 6, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(196608, 24576),
                destination: arena.Slice(98304, 98304),
                residual: arena.Slice(0, 98304));
        }
