        /// <summary>Every op from the input to the last residual block, in execution order, one kernel call each (the max pool in its convolution's).</summary>
        [global::System.CodeDom.Compiler.GeneratedCode("ResNetGen.Generator", "{version}")]
        private void RunBackbone(global::System.ReadOnlySpan<float> input, global::System.Span<float> arena)
        {
            // input: NCHW → NHWC (channels-last, the layout of every feature map below), zero border of 3 for conv1, 3x48x64 → 3x54x70
            global::ResNetGen.Kernels.Layout.ToChannelsLast(source: input, destination: arena.Slice(61440, 11340), batch: 1, channels: 3, height: 48, width: 64, padding: 3);

            // conv1 + bn1 + relu: 7x7 stride 2 padding 3, 3x48x64 → 64x24x32
            // and maxpool, band by band: each band of output rows is pooled as soon as it is made.
            global::ResNetGen.Kernels.Convolution.ForwardMaxPooled<global::ResNetGen.Kernels.BiasRelu>(
                _conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 3, inHeight: 54, inWidth: 70, outChannels: 64, outHeight: 24, outWidth: 32, kernel: 7, stride: 2, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Rows,
                source: arena.Slice(61440, 11340),
                convolved: arena.Slice(0, 49152),
                destination: arena.Slice(49152, 12288),
                workers: _workers);

            // maxpool: 3x3 stride 2, 64x24x32 → 64x12x16
            // (pooled in the convolution's call above)

            // layer1.0: bottleneck 64→64→256, 12x16, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer1_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 64, inHeight: 12, inWidth: 16, outChannels: 64, outHeight: 12, outWidth: 16, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(49152, 12288),
                destination: arena.Slice(23040, 12288),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer1_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 64, inHeight: 12, inWidth: 16, outChannels: 64, outHeight: 12, outWidth: 16, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1),
                _layer1_0_conv2Algorithm,
                source: arena.Slice(23040, 12288),
                destination: arena.Slice(61440, 12288),
                residual: default,
                workspace: arena.Slice(0, 23040),
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer1_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 64, inHeight: 12, inWidth: 16, outChannels: 256, outHeight: 12, outWidth: 16, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(49152, 12288),
                destination: arena.Slice(0, 49152),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer1_0_conv3,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 64, inHeight: 12, inWidth: 16, outChannels: 256, outHeight: 12, outWidth: 16, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(61440, 12288),
                destination: arena.Slice(0, 49152),
                residual: arena.Slice(0, 49152),
                workers: _workers);

            // layer2.0: bottleneck 256→128→512, stride 2, 12x16 → 6x8, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer2_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 256, inHeight: 12, inWidth: 16, outChannels: 128, outHeight: 12, outWidth: 16, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(0, 49152),
                destination: arena.Slice(49152, 24576),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer2_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 128, inHeight: 12, inWidth: 16, outChannels: 128, outHeight: 6, outWidth: 8, kernel: 3, stride: 2, padding: 1, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(49152, 24576),
                destination: arena.Slice(98304, 6144),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer2_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 256, inHeight: 12, inWidth: 16, outChannels: 512, outHeight: 6, outWidth: 8, kernel: 1, stride: 2, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(0, 49152),
                destination: arena.Slice(73728, 24576),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer2_0_conv3,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 128, inHeight: 6, inWidth: 8, outChannels: 512, outHeight: 6, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(98304, 6144),
                destination: arena.Slice(73728, 24576),
                residual: arena.Slice(73728, 24576),
                workers: _workers);

            // layer3.0: bottleneck 512→256→1024, 6x8, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer3_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 512, inHeight: 6, inWidth: 8, outChannels: 256, outHeight: 6, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(73728, 24576),
                destination: arena.Slice(98304, 12288),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer3_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 256, inHeight: 6, inWidth: 8, outChannels: 256, outHeight: 6, outWidth: 8, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 1),
                _layer3_0_conv2Algorithm,
                source: arena.Slice(98304, 12288),
                destination: arena.Slice(147456, 12288),
                residual: default,
                workspace: arena.Slice(0, 73728),
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer3_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 512, inHeight: 6, inWidth: 8, outChannels: 1024, outHeight: 6, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(73728, 24576),
                destination: arena.Slice(98304, 49152),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer3_0_conv3,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 256, inHeight: 6, inWidth: 8, outChannels: 1024, outHeight: 6, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(147456, 12288),
                destination: arena.Slice(98304, 49152),
                residual: arena.Slice(98304, 49152),
                workers: _workers);

            // layer4.0: bottleneck 1024→512→2048, dilation 2, 6x8, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer4_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 1024, inHeight: 6, inWidth: 8, outChannels: 512, outHeight: 6, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(98304, 49152),
                destination: arena.Slice(0, 24576),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer4_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 512, inHeight: 6, inWidth: 8, outChannels: 512, outHeight: 6, outWidth: 8, kernel: 3, stride: 1, padding: 2, dilation: 2, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(0, 24576),
                destination: arena.Slice(147456, 24576),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer4_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 1024, inHeight: 6, inWidth: 8, outChannels: 2048, outHeight: 6, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(98304, 49152),
                destination: arena.Slice(0, 98304),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer4_0_conv3,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 512, inHeight: 6, inWidth: 8, outChannels: 2048, outHeight: 6, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(147456, 24576),
                destination: arena.Slice(0, 98304),
                residual: arena.Slice(0, 98304),
                workers: _workers);
        }
