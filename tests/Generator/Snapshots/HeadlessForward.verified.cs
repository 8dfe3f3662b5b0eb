        /// <summary>
        /// Runs the network on one image: <paramref name="input"/> holds <see cref="InputLength"/> floats (NCHW), and <paramref name="output"/> receives <see cref="NumClasses"/> pooled features (the network has no classifier: <c>fc</c> is <c>nn.Identity()</c>) per image.
        /// </summary>
        /// <remarks>
        /// <para>torchvision ResNet: basic blocks [1, 1, 1, 1], no classifier, 3x32x32 input, batch 1: 12 convolutions with batch norm
        /// folded in, 4 residual blocks (3 with projection shortcuts), 4,905,792 parameters, 18,137,088 multiply-accumulates per image.</para>
        /// <para>Memory plan: 14 intermediate feature maps and 4 Winograd workspaces share one arena of 28,912 floats (0.1 MB) instead of 0.4 MB without reuse. The last convolution of each of the 4 residual blocks writes its sums over the shortcut it adds, each element read just before it is replaced.
        /// Each concurrent call rents its own arena from a pool, so calls from several threads are safe and steady-state calls allocate nothing.</para>
        /// </remarks>
        /// <param name="input">The images, NCHW float32. For torchvision's ImageNet weights: RGB, each channel scaled to [0, 1] and normalised with mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225), as torchvision's eval transform does; <see cref="global::ResNetGen.ImageNetTransform"/> writes exactly this from decoded pixels, one image (or one image of a batch) at a time.</param>
        /// <param name="output">Receives the features, one row of <see cref="NumClasses"/> per image.</param>
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
                global::ResNetGen.Kernels.GlobalAveragePool.Forward(source: arena.Slice(512, 512), destination: output, batch: 1, channels: 512, height: 1, width: 1);
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
                global::ResNetGen.Kernels.GlobalAveragePool.Forward(source: arena.Slice(512, 512), destination: features, batch: 1, channels: 512, height: 1, width: 1);
            }
            finally
            {
                _arenas.Return(rented);
            }
        }
