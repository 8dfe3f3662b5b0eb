        /// <summary>Every op from the input to the last residual block, in execution order, one kernel call each (the max pool in its convolution's).</summary>
        [global::System.CodeDom.Compiler.GeneratedCode("ResNetGen.Generator", "{version}")]
        private void RunBackbone(global::System.ReadOnlySpan<float> input, global::System.Span<float> arena)
        {
            // input: NCHW → NHWC (channels-last, the layout of every feature map below), zero border of 3 for conv1, 3x32x32 → 3x38x38
            global::ResNetGen.Kernels.Layout.ToChannelsLast(source: input, destination: arena.Slice(16384, 4332), batch: 1, channels: 3, height: 32, width: 32, padding: 3);

            // conv1 + bn1 + relu: 7x7 stride 2 padding 3, 3x32x32 → 64x16x16
            // and maxpool, band by band: each band of output rows is pooled as soon as it is made.
            global::ResNetGen.Kernels.Convolution.ForwardMaxPooled<global::ResNetGen.Kernels.BiasRelu>(
                _conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 3, inHeight: 38, inWidth: 38, outChannels: 64, outHeight: 16, outWidth: 16, kernel: 7, stride: 2, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Rows,
                source: arena.Slice(16384, 4332),
                convolved: arena.Slice(0, 16384),
                destination: arena.Slice(20720, 4096),
                workers: _workers);

            // maxpool: 3x3 stride 2, 64x16x16 → 64x8x8
            // (pooled in the convolution's call above)

            // layer1.0: bottleneck 64→32→256 (4 groups), 8x8, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer1_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 64, inHeight: 8, inWidth: 8, outChannels: 32, outHeight: 8, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(20720, 4096),
                destination: arena.Slice(0, 2048),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer1_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 32, inHeight: 8, inWidth: 8, outChannels: 32, outHeight: 8, outWidth: 8, kernel: 3, stride: 1, padding: 1, dilation: 1, groups: 4),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(0, 2048),
                destination: arena.Slice(16384, 2048),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer1_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 64, inHeight: 8, inWidth: 8, outChannels: 256, outHeight: 8, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(20720, 4096),
                destination: arena.Slice(0, 16384),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer1_0_conv3,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 32, inHeight: 8, inWidth: 8, outChannels: 256, outHeight: 8, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(16384, 2048),
                destination: arena.Slice(0, 16384),
                residual: arena.Slice(0, 16384),
                workers: _workers);

            // layer2.0: bottleneck 256→64→512 (4 groups), stride 2, 8x8 → 4x4, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer2_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 256, inHeight: 8, inWidth: 8, outChannels: 64, outHeight: 8, outWidth: 8, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(0, 16384),
                destination: arena.Slice(16384, 4096),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer2_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 64, inHeight: 8, inWidth: 8, outChannels: 64, outHeight: 4, outWidth: 4, kernel: 3, stride: 2, padding: 1, dilation: 1, groups: 4),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(16384, 4096),
                destination: arena.Slice(24576, 1024),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer2_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 256, inHeight: 8, inWidth: 8, outChannels: 512, outHeight: 4, outWidth: 4, kernel: 1, stride: 2, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(0, 16384),
                destination: arena.Slice(16384, 8192),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer2_0_conv3,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 64, inHeight: 4, inWidth: 4, outChannels: 512, outHeight: 4, outWidth: 4, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(24576, 1024),
                destination: arena.Slice(16384, 8192),
                residual: arena.Slice(16384, 8192),
                workers: _workers);

            // layer3.0: bottleneck 512→128→1024 (4 groups), stride 2, 4x4 → 2x2, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer3_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 512, inHeight: 4, inWidth: 4, outChannels: 128, outHeight: 4, outWidth: 4, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(16384, 8192),
                destination: arena.Slice(0, 2048),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer3_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 128, inHeight: 4, inWidth: 4, outChannels: 128, outHeight: 2, outWidth: 2, kernel: 3, stride: 2, padding: 1, dilation: 1, groups: 4),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(0, 2048),
                destination: arena.Slice(4096, 512),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer3_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 512, inHeight: 4, inWidth: 4, outChannels: 1024, outHeight: 2, outWidth: 2, kernel: 1, stride: 2, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(16384, 8192),
                destination: arena.Slice(0, 4096),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer3_0_conv3,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 128, inHeight: 2, inWidth: 2, outChannels: 1024, outHeight: 2, outWidth: 2, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(4096, 512),
                destination: arena.Slice(0, 4096),
                residual: arena.Slice(0, 4096),
                workers: _workers);

            // layer4.0: bottleneck 1024→256→2048 (4 groups), stride 2, 2x2 → 1x1, projection shortcut
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer4_0_conv1,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 1024, inHeight: 2, inWidth: 2, outChannels: 256, outHeight: 2, outWidth: 2, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(0, 4096),
                destination: arena.Slice(4096, 1024),
                residual: default,
                workers: _workers);
            // On its 2x2 input only taps 1 to 2 of each axis of the 3x3 kernel read inside the map: the rest multiply padding and are left out.
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasRelu>(
                _layer4_0_conv2,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 256, inHeight: 2, inWidth: 2, outChannels: 256, outHeight: 1, outWidth: 1, kernel: 2, stride: 2, padding: 0, dilation: 1, groups: 4),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Taps,
                source: arena.Slice(4096, 1024),
                destination: arena.Slice(6144, 256),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.Bias>(
                _layer4_0_downsample_0,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 1024, inHeight: 2, inWidth: 2, outChannels: 2048, outHeight: 1, outWidth: 1, kernel: 1, stride: 2, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.PackedPointwise,
                source: arena.Slice(0, 4096),
                destination: arena.Slice(4096, 2048),
                residual: default,
                workers: _workers);
            global::ResNetGen.Kernels.Convolution.Forward<global::ResNetGen.Kernels.BiasResidualRelu>(
                _layer4_0_conv3,
                new global::ResNetGen.Kernels.ConvolutionGeometry(batch: 1, inChannels: 256, inHeight: 1, inWidth: 1, outChannels: 2048, outHeight: 1, outWidth: 1, kernel: 1, stride: 1, padding: 0, dilation: 1, groups: 1),
                global::ResNetGen.Kernels.ConvolutionAlgorithm.Pointwise,
                source: arena.Slice(6144, 256),
                destination: arena.Slice(4096, 2048),
                residual: arena.Slice(4096, 2048),
                workers: _workers);
        }
