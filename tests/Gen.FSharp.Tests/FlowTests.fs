/// Vector flows declared in F#, trained on the two moons (or by reverse KL on an energy), sampled and checkpointed.
module Gen.FSharp.Tests.FlowTests

open Gen
open Gen.Data
open Gen.Dsl
open Gen.Optimization
open TorchSharp
open Xunit
open Gen.FSharp.Tests.Common

/// Maximum likelihood on the moons for a few steps; then samples and a checkpoint.
let private fitsTheMoons name (spec: FlowSpec) steps margin =
    let data = moons ()
    use model = spec.Compile(Device.Cpu, seed = 0L)
    trainSteps model data steps 128L 1e-2 (fun x -> -model.LogProb(x).mean()) |> assertImproved name margin
    let x = model.Sample(100L, Seed.Generator 2L)
    Assert.Equal<int64[]>([| 100L; 2L |], x.shape)
    Assert.True(x.isfinite().all().item<bool>())
    assertCheckpointRoundTrips model (fun m -> m.LogProb(data))

[<Fact>]
let ``Steps of different kinds mix as arguments, or in a list that states its type`` () =
    // As arguments each step is taken as a BijSpec; a list literal of mixed steps needs its type stated.
    let direct = Flow.Over(Dist.StandardNormal 2).Then(Bij.AffineCoupling(Mask.Alternating 2, Net.Mlp 8), Bij.Reverse(), Bij.ActNorm())
    let steps: BijSpec list = [ Bij.AffineCoupling(Mask.Alternating 2, Net.Mlp 8); Bij.Reverse(); Bij.ActNorm() ]
    let named = Flow.Over(Dist.StandardNormal 2).Then(steps)
    Assert.Equal(direct, named)
    Assert.Equal(3, named.Steps.Count)
    let image = ImageFlow.Over(1, 4, 4).Then(ImageBij.Squeeze(), Bij.ActNorm(), ImageBij.Conv1x1())
    Assert.Equal(3, image.Steps.Count)

[<Fact>]
let ``One flow for any event shape: a MAF over flattened pixels scores like the image flow over the same pixels`` () =
    // Event sizes are plain integers in F# too; the listing is a property of the flow, not a kind of flow.
    let logit = ImagePreprocessing.Logit(256, alpha = 0.05)
    let listedFromData = Flow.DataToBase(16).WithPreprocessing(logit)
    Assert.Equal(FlowDirection.DataToBase, listedFromData.Direction)
    Assert.Equal<int64[]>([| 16L |], listedFromData.EventShape)
    use image = ImageFlow.Over(1, 4, 4).WithPreprocessing(logit).Compile(Device.Cpu, torch.float64)
    use maf = Flow.Over(Dist.StandardNormal 16).WithPreprocessing(logit).Then(Bij.MaskedAutoregressive 8).Compile(Device.Cpu, torch.float64, seed = 0L)
    use pixels = (torch.rand([| 3L; 1L; 4L; 4L |], dtype = torch.float64, generator = Seed.Generator 1L) * 255.0).floor()
    let flat = pixels.reshape(3L, 16L)
    // A fresh MAF layer is the identity, so the flattened flow's dequantised density is the image flow's.
    let a = maf.LogProbDequantized(flat, Seed.Generator 2L)
    let b = image.LogProbDequantized(pixels, Seed.Generator 2L)
    Assert.True(a.allclose(b, rtol = 0.0, atol = 1e-9))
    Assert.True(maf.BitsPerDim(a).min().item<float>() > 0.0)

[<Fact>]
let ``RealNVP trained with the Trainer fits the moons`` () =
    let data = moons ()
    let spec =
        Flow.Over(Dist.StandardNormal 2)
            .Then(Bij.AffineCoupling(Mask.Alternating 2, Net.Mlp(32, 32)))
            .Then(Bij.AffineCoupling(Mask.Alternating(2, odd = true), Net.Mlp(32, 32)))
            .Repeat 2
    use model = spec.Compile(Device.Cpu, seed = 0L)
    use adam = new FusedAdam(model.parameters(), 1e-2)
    let options = TrainingOptions(Epochs = 20, BatchSize = 64, Seed = 3L)
    // A plain tensor loss, no Loss.Of: the overload for Func<Tensor, Tensor> takes it.
    let trainer = Trainer(model, adam, (fun x -> -model.LogProb(x).mean()), options, Validation = (fun x -> -model.LogProb(x)))
    let result = trainer.Fit(data, data)
    Assert.Equal(20, result.Epochs)
    // The best Gaussian's NLL on these points is 3.29 nats; after 20 epochs the flow is 0.34 to 0.58 nats below it over
    // compile seeds 0 to 7 (after 10 epochs, 0.15 to 0.39: too close to the seed's luck to test).
    let centred = data - data.mean([| 0L |])
    let covariance = centred.t().matmul(centred) / float32 data.shape.[0]
    let gaussian = 0.5 * (2.0 * log (2.0 * System.Math.PI * System.Math.E) + log (float (torch.linalg.det(covariance).item<float32>())))
    let losses = result.ValidationLoss
    Assert.True(losses.[losses.Count - 1] < gaussian - 0.2, sprintf "validation NLL %f should be 0.2 nats below the best Gaussian's %f" losses.[losses.Count - 1] gaussian)
    Assert.Equal<int64[]>([| 7L; 2L |], model.Sample(7L).shape)
    assertCheckpointRoundTrips model (fun m -> m.LogProb(data))

[<Fact>]
let ``NICE with a learnable scale and a fixed permutation fits the moons`` () =
    Flow.Over(Dist.StandardNormal 2)
        .Then(Bij.AdditiveCoupling(Mask.Halves 2, Net.Mlp 32))
        .Then(Bij.Permute 7)
        .Repeat(3)
        .Then(Bij.Affine())
    |> fun spec -> fitsTheMoons "nice" spec 60 0.3f

[<Fact>]
let ``MAF with reversed orders fits the moons`` () =
    Flow.Over(Dist.StandardNormal 2)
        .Then(Bij.MaskedAutoregressive(32, 32))
        .Then(Bij.MaskedAutoregressive(32, 32).WithOrder(InputOrder.Reversed))
    |> fun spec -> fitsTheMoons "maf" spec 60 0.3f

[<Fact>]
let ``IAF with even hidden degrees fits the moons`` () =
    Flow.Over(Dist.StandardNormal 2)
        .Then(Bij.InverseAutoregressive(32).WithDegrees(HiddenDegrees.Even).WithActivation(Activation.Tanh))
        .Then(Bij.Reverse())
        .Then(Bij.InverseAutoregressive(32).WithDegrees(HiddenDegrees.Even).WithActivation(Activation.Tanh))
    |> fun spec -> fitsTheMoons "iaf" spec 40 0.3f

[<Fact>]
let ``Spline couplings fit the moons`` () =
    Flow.Over(Dist.StandardNormal 2)
        .Then(Bij.SplineCoupling(Mask.Alternating 2, Net.Mlp 16, bins = 8, bound = 4.0))
        .Then(Bij.SplineCoupling(Mask.Alternating(2, odd = true), Net.Mlp 16, bins = 8, bound = 4.0))
    |> fun spec -> fitsTheMoons "spline" spec 40 0.3f

[<Theory>]
[<InlineData("planar")>]
[<InlineData("radial")>]
let ``Planar and radial flows fit an energy by reverse KL`` (kind: string) =
    init ()
    let step () : BijSpec = if kind = "planar" then Bij.Planar() else Bij.Radial()
    let spec = Flow.Over(Dist.StandardNormal 2).Then(step ()).Then(step ()).Then(step ()).Then(step ())
    use model = spec.Compile(Device.Cpu, seed = 0L)
    // KL(q || p) up to log Z, for the unnormalised density exp(-U1).
    let reverseKl () =
        let s = model.SampleAndLogProb(256L, Seed.Generator 5L)
        (s.LogProb + Energies.U1(s.Value)).mean()
    use adam = new FusedAdam(model.parameters(), 2e-2)
    let before = (reverseKl ()).item<float32>()
    for _ in 1 .. 60 do
        use _ = torch.NewDisposeScope()
        let loss = reverseKl ()
        adam.ZeroGrad()
        loss.backward()
        adam.Step()
    let after = (reverseKl ()).item<float32>()
    assertImproved kind 0.3f (before, after)
    Assert.Equal<int64[]>([| 9L; 2L |], model.Sample(9L, Seed.Generator 1L).shape)
    assertCheckpointRoundTrips model (fun m -> m.LogProb(torch.randn(16L, 2L, generator = Seed.Generator 6L)))

[<Fact>]
let ``A flow conditioned on which circle a point lies on fits the circles`` () =
    init ()
    let points = ToyData.Sample(ToySet.Circles, 512L, Device.Cpu, Seed.Generator 0L)
    let outer = points.norm(1).gt(torch.tensor 2.25f).to_type(torch.int64)
    let labelled = torch.cat([| points; torch.nn.functional.one_hot(outer, 2L).to_type(torch.float32) |], 1L)
    let spec =
        Flow.Over(Dist.StandardNormal 2)
            .WithContext(2)
            .Then(Bij.AffineCoupling(Mask.Alternating 2, Net.Mlp(32, 32)))
            .Then(Bij.AffineCoupling(Mask.Alternating(2, odd = true), Net.Mlp(32, 32)))
    use model = spec.Compile(Device.Cpu, seed = 0L)
    let nll (rows: torch.Tensor) = -model.LogProb(rows.narrow(1L, 0L, 2L), rows.narrow(1L, 2L, 2L)).mean()
    trainSteps model labelled 60 128L 1e-2 nll |> assertImproved "conditional" 0.3f
    let inner = torch.tensor [| 1.0f; 0.0f |]
    Assert.Equal<int64[]>([| 50L; 2L |], model.Sample(50L, inner, Seed.Generator 2L).shape)
    assertCheckpointRoundTrips model (fun m -> m.LogProb(points, labelled.narrow(1L, 2L, 2L)))
