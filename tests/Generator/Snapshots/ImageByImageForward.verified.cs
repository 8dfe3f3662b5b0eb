        /// <summary>
        /// Runs the network on 1 to <see cref="BatchSize"/> images: <paramref name="input"/> holds that many whole images, <see cref="InputLength"/> floats for a full batch (NCHW), and <paramref name="output"/> receives <see cref="NumClasses"/> logits per image.
        /// </summary>
        /// <remarks>
        /// <para>torchvision ResNet: basic blocks [1, 1, 1, 1], 1000 classes, 3x224x224 input, batch 4: 12 convolutions with batch norm
        /// folded in, 4 residual blocks (3 with projection shortcuts), 5,418,792 parameters, 889,229,312 multiply-accumulates per image.</para>
        /// <para>Memory plan: 15 intermediate feature maps and 5 Winograd workspaces share one arena of 1,164,272 floats (4.4 MB) instead of 13.5 MB without reuse. The last convolution of each of the 4 residual blocks writes its sums over the shortcut it adds, each element read just before it is replaced.
        /// Each concurrent call rents its own arena from a pool, so calls from several threads are safe and steady-state calls allocate nothing.</para>
        /// <para>The batch runs one image at a time through the backbone, each image's feature maps staying in the cache from layer to layer (an image's work is large against the weights; see <c>CpuTuning.ImageByImageMinimumIntensity</c>); the classifier then takes the pooled features of all images at once. The arena holds one image's maps and the batch's pooled features.</para>
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

                // One image at a time through the backbone: each image's feature maps stay in the cache from layer to layer.
                for (int image = 0; image < images; image++)
                {
                    RunBackbone(input.Slice(image * 150528, 150528), arena);

                    // avgpool: adaptive average to 1x1, 512x7x7 → 512x1x1
                    global::ResNetGen.Kernels.GlobalAveragePool.Forward(source: arena.Slice(172544, 25088), destination: arena.Slice(1162224 + (image * 512), 512), batch: 1, channels: 512, height: 7, width: 7);
                }

                // fc: 512 → 1000 classes, every image at once
                global::ResNetGen.Kernels.Linear.Forward(_fc, source: arena.Slice(1162224, 2048), destination: output, batch: images, inFeatures: 512, outFeatures: 1000, workers: _workers);
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

                // One image at a time through the backbone: each image's feature maps stay in the cache from layer to layer.
                for (int image = 0; image < images; image++)
                {
                    RunBackbone(input.Slice(image * 150528, 150528), arena);

                    // avgpool: adaptive average to 1x1, 512x7x7 → 512x1x1
                    global::ResNetGen.Kernels.GlobalAveragePool.Forward(source: arena.Slice(172544, 25088), destination: features.Slice(image * 512, 512), batch: 1, channels: 512, height: 7, width: 7);
                }
            }
            finally
            {
                _arenas.Return(rented);
            }
        }
