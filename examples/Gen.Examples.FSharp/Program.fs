module Gen.Examples.FSharp.Program

open System
open System.Globalization
open System.IO
open Gen

let private usage =
    """usage: Gen.Examples.FSharp [options]

A masked autoregressive flow (MAF) fitted to the two moons, in F#: prints the held-out nats per point
against a Gaussian fit and writes the model's density, its samples and the training curve as PNG files.
With --model gan: a class-conditional DCGAN on the 8x8 digits, judged by a classifier of the same digits.

options:
  --model maf|gan       which example (default: maf)
  --epochs N            passes over the training data; rounds of the GAN (default: 60; 800 for the GAN)
  --points N            training points; a quarter as many are held out (default: 4000)
  --device cpu|cuda     where the model trains (default: cpu)
  --out DIR             where pictures are written (default: out/fsharp)
  --seed N              seed for weights, data and samples (default: 0)
  --help                this text"""

/// Runs the example with command-line arguments, printing to `log`; returns the exit code.
let run (args: string[]) (log: TextWriter) =
    let rec parse (acc: Map<string, string>) args =
        match args with
        | [] -> Ok acc
        | ("--help" | "-h") :: _ -> Error 0
        | name :: value :: rest when (name: string).StartsWith "--" -> parse (acc.Add(name.Substring 2, value)) rest
        | word :: _ ->
            log.WriteLine(sprintf "unexpected '%s'" word)
            Error 2
    match parse Map.empty (List.ofArray args) with
    | Error code ->
        log.WriteLine usage
        code
    | Ok options ->
        let get name fallback = options |> Map.tryFind name |> Option.defaultValue fallback
        let number name fallback = Int32.Parse(get name fallback, CultureInfo.InvariantCulture)
        let unknown = options |> Map.toList |> List.map fst |> List.filter (fun k -> not (List.contains k [ "model"; "epochs"; "points"; "device"; "out"; "seed" ]))
        if not unknown.IsEmpty then
            log.WriteLine(sprintf "unknown option --%s" unknown.Head)
            log.WriteLine usage
            2
        elif get "model" "maf" = "gan" then
            let result =
                DigitsGan.run (number "epochs" "800") (int64 (number "seed" "0")) (Device.Parse(get "device" "cpu")) (get "out" (Path.Combine("out", "fsharp"))) log
            log.WriteLine(
                sprintf "conditional DCGAN on the 8x8 digits (%.0f s): %.1f %% of samples classified as their asked class (10 %% by chance); Fréchet distance to held-out digits %.2f (training digits: %.2f)"
                    result.Seconds (100.0 * result.ShareOfAskedClass) result.FrechetDistance result.FloorDistance)
            for path in result.Pictures do
                log.WriteLine(sprintf "wrote %s" path)
            0
        elif get "model" "maf" <> "maf" then
            log.WriteLine(sprintf "unknown model '%s': use maf or gan" (get "model" "maf"))
            2
        else
            let result =
                MafMoons.run (number "epochs" "60") (number "points" "4000") (int64 (number "seed" "0")) (Device.Parse(get "device" "cpu")) (get "out" (Path.Combine("out", "fsharp"))) log
            log.WriteLine(
                sprintf "held-out: %.3f nats/point (MAF, %.0f s) vs %.3f nats/point (Gaussian fit baseline); lower is better" result.HeldOutNats result.Seconds result.GaussianNats)
            for path in result.Pictures do
                log.WriteLine(sprintf "wrote %s" path)
            0

[<EntryPoint>]
let main args = run args Console.Out
