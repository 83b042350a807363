"""The ``motorobs`` command line (Typer).

Commands: ``analyze`` (videos or folders -> landmarks, metrics, reports; parallel and
resumable, see :mod:`motorobs.batch`; or ``--landmarks FILE``, keypoints of another tool),
``export`` (a clip's landmarks for movement, COCO, DeepLabCut, SLEAP, OpenPose),
``report`` (rebuild reports from saved outputs), ``info``
(versions and where the models are), ``metrics`` (every metric with its unit and definition).
User mistakes give a one-line message naming the file and the fix, never a traceback.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

import motorobs
from motorobs._logging import log_to_file, logger, native_stderr_to
from motorobs.config import CAMERA_POSITIONS, AnalysisConfig
from motorobs.errors import MotorobsError
from motorobs.progress import BatchProgress

app = typer.Typer(
    help="motorobs: infant motor observation from caregiver videos (a screening aid for "
    "therapists, not a diagnosis).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
CameraPosition = Enum("CameraPosition", {name: name for name in CAMERA_POSITIONS}, type=str)
"""``--camera`` choices (:data:`motorobs.config.CAMERA_POSITIONS`)."""
CameraOption = Annotated[
    CameraPosition,
    typer.Option(
        "--camera",
        help="Where the camera was: 'auto' reads it from the video; 'above' the baby "
        "lying down; 'level' at the baby's height, in front or at the side (needed to "
        "recognise a baby sitting face-on to the camera).",
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Settings from this TOML file (docs/example-config.toml lists every setting); "
        "options given on the command line win over it.",
        dir_okay=False,
    ),
]


def _settings(config_file: Path | None, ctx: typer.Context, names: dict[str, str] | None = None,
              **sections: dict[str, object]) -> AnalysisConfig:
    """The defaults, then ``--config FILE``, then the settings of ``sections``
    (``report={"blur_faces": ...}``) whose command-line option the user gave: an option left
    at its default does not override the file. ``names`` maps a setting to its option's
    parameter name where they differ. A bad file: exit 2 with the message."""
    try:
        base = AnalysisConfig() if config_file is None else AnalysisConfig.from_toml(config_file)
    except MotorobsError as exc:
        raise typer.BadParameter(str(exc), param_hint="--config") from None
    given = {
        section: {key: value for key, value in values.items()
                  if getattr(ctx.get_parameter_source((names or {}).get(key, key)), "name",
                             "DEFAULT") not in ("DEFAULT", "DEFAULT_MAP")}
        for section, values in sections.items()
    }
    return base.with_overrides(**given)


err = Console(stderr=True)
out = Console()


def _version_callback(value: bool) -> None:
    if value:
        out.print(f"motorobs {motorobs.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True,
                     help="Print the version and exit."),
    ] = False,
) -> None:
    """motorobs: landmarks, motor metrics and reports from infant videos."""


ModelDirOption = Annotated[
    Path | None,
    typer.Option(
        "--model-dir",
        help="Folder with the MediaPipe .task bundles (default: $MOTOROBS_MODEL_DIR, then the "
        "user cache, filled by downloading on first use).",
        file_okay=False,
    ),
]


def _known_backend(name: str | None) -> str | None:
    """``--pose-backend``: a registered backend's name, else exit 2 listing them."""
    from motorobs.pose.backend import backend_names

    if name is not None and name not in backend_names():
        raise typer.BadParameter(f"unknown pose backend {name!r}; choose one of: "
                                 f"{', '.join(backend_names())}.")
    return name


PoseBackendOption = Annotated[
    str | None,
    typer.Option(
        "--pose-backend", callback=_known_backend,
        help="Which pose backend finds the baby in the frames (default 'mediapipe'; 'fake' "
        "is a deterministic stand-in for tests that ignores what the video shows).",
    ),
]


def default_workers() -> int:
    """Worker processes by default: the CPU cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@app.command()
def analyze(
    ctx: typer.Context,
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(help="Video files (mp4, mov, m4v, avi, mkv, webm) or folders of videos."),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for the results.")
    ] = Path("results"),
    model_dir: ModelDirOption = None,
    pose_backend: PoseBackendOption = None,
    fps: Annotated[
        float | None,
        typer.Option(
            "--fps",
            help="Analyse at most this many frames per second (default 15; 0 = every frame).",
            min=0,
        ),
    ] = None,
    blur_faces: Annotated[
        bool,
        typer.Option(
            "--blur-faces/--no-blur-faces",
            help="Blur faces in the images written into reports (on by default: health data).",
        ),
    ] = True,
    recompute: Annotated[
        bool,
        typer.Option("--recompute", help="Analyse every clip again, landmarks included, even "
                     "if it is done with the same inputs."),
    ] = False,
    retry_failed: Annotated[
        bool,
        typer.Option("--retry-failed", help="Analyse again the clips that failed before."),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1,
                     help="Clips analysed at once, in worker processes (default: the number "
                     "of CPU cores)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", envvar="MOTOROBS_SCHEDULER",
                     help="Send the clips to this Dask cluster (tcp://HOST:8786) instead; the "
                     "videos and OUTPUT must be on a folder the cluster's machines share. "
                     'Needs pip install "motorobs[dask]".'),
    ] = None,
    camera: CameraOption = CameraPosition.auto,
    config_file: ConfigOption = None,
    overlay_video: Annotated[
        bool,
        typer.Option("--overlay-video",
                     help="Also write OUTPUT/<clip>/overlay.webm, shown in the report: the "
                     "analysed frames with the skeleton drawn and every face blurred."),
    ] = False,
    landmarks: Annotated[
        Path | None,
        typer.Option("--landmarks", help="Analyse keypoints another tool made instead of "
                     "videos (DeepLabCut .csv/.h5, SLEAP .slp, an OpenPose JSON folder, COCO "
                     ".json, movement .nc, landmarks.parquet; docs/formats/); no MediaPipe. "
                     "Writes OUTPUT/<file name>/."),
    ] = None,
    video: Annotated[
        Path | None,
        typer.Option("--video", help="With --landmarks: the clip they were made from (its "
                     "frame rate and size; key frames in the report). Without it the report "
                     "has no key frames."),
    ] = None,
    landmarks_format: Annotated[
        str | None,
        typer.Option("--format", help="With --landmarks: the file's format (dlc, sleap, "
                     "openpose, coco, movement, parquet); default: detected."),
    ] = None,
    landmarks_fps: Annotated[
        float | None,
        typer.Option("--landmarks-fps", min=0, help="With --landmarks: frames per second of "
                     "the keypoints, for files that do not record it (default: --video's)."),
    ] = None,
) -> None:
    """Analyse videos: writes, per clip, landmarks.parquet, metrics.json, events.csv and
    report.html into OUTPUT/<clip>/, plus OUTPUT/summary.csv and OUTPUT/index.html.

    Resumable: OUTPUT/manifest.jsonl records each clip's state; running the same command
    again skips the clips already done with the same video, settings and models.

    With --landmarks FILE: the metrics and report from another tool's keypoints (no pose
    estimation), into OUTPUT/<file name>/."""
    from motorobs.batch import BatchInterrupted, run_batch

    if landmarks is not None:
        if inputs:
            _fail("give either videos or --landmarks FILE, not both.")
        _analyze_landmarks_file(landmarks, video, landmarks_format, landmarks_fps, output,
                                _settings(config_file, ctx, signals={"camera": camera.value}))
        return
    if not inputs:
        _fail("give video files or folders to analyse (or --landmarks FILE).")
    videos, failures = _collect_videos(inputs)
    config = _settings(config_file, ctx, {"analysis_fps": "fps", "backend": "pose_backend"},
                       pose={"model_dir": model_dir, "analysis_fps": fps or None,
                             "backend": pose_backend},
                       report={"blur_faces": blur_faces, "overlay_video": overlay_video},
                       signals={"camera": camera.value})
    with _user_errors_logged_to(output) as console:
        for _name, message in failures:
            logger.error("%s", message)
        display = BatchProgress(console)
        try:
            with display:
                summary = run_batch(
                    videos, output, config,
                    workers=workers or default_workers(), scheduler=scheduler,
                    native_log=output / "run.log",
                    retry_failed=retry_failed,
                    reuse_landmarks=not recompute, extra_failures=failures,
                    on_plan=display.plan, on_event=display.event,
                    force=recompute,
                )
        except BatchInterrupted as stop:
            done = stop.summary
            err.print(
                f"[yellow]stopped:[/yellow] {len(done.done)} clip(s) done, "
                f"{len(done.interrupted)} not finished (nothing half-written was kept). Run "
                "the same command again to resume; clips already done are skipped.",
                highlight=False, soft_wrap=True)
            raise typer.Exit(130) from None
    for _name, message in summary.failures:
        err.print(f"[red]failed:[/red] {message}", highlight=False, soft_wrap=True)
    skipped = f" ({len(summary.skipped)} already done, skipped)" if summary.skipped else ""
    n_done = len(summary.done)
    out.print(
        f"{n_done} of {n_done + len(summary.failures)} clip(s) analysed{skipped}; "
        f"open {output / 'index.html'}",
        highlight=False,
        soft_wrap=True,
    )
    if summary.failures:
        raise typer.Exit(1)


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _analyze_landmarks_file(path: Path, video: Path | None, fmt: str | None,
                            fps: float | None, output: Path, config: AnalysisConfig) -> None:
    """``analyze --landmarks``: one clip from a keypoint file, into OUTPUT/<name>/."""
    from motorobs.analyze_landmarks import analyze_landmarks

    clip = path.stem if path.is_file() else path.name
    with _user_errors_logged_to(output):
        result = analyze_landmarks(path, config, video=video, format=fmt, fps=fps or None,
                                   output_dir=output / clip)
    missing = sum(m.status == "not_applicable" for m in result.metrics)
    out.print(f"{path}: {len(result.metrics)} metric value(s), {missing} not applicable; open "
              f"{output / clip / 'report.html'}", highlight=False, soft_wrap=True)


class ExportFormat(str, Enum):
    movement = "movement"
    coco = "coco"
    dlc = "dlc"
    sleap = "sleap"
    openpose = "openpose"


@app.command()
def export(
    clip: Annotated[
        Path,
        typer.Argument(help="A clip's results folder (RESULTS/CLIP, holding landmarks.parquet) "
                       "or a landmarks.parquet file."),
    ],
    to: Annotated[
        ExportFormat,
        typer.Option("--to", help="movement (netCDF), coco (COCO-17 JSON), dlc (DeepLabCut "
                     "CSV, or HDF5 for .h5), sleap (.slp), openpose (a folder of JSON)."),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
) -> None:
    """Write a clip's landmarks for another tool (docs/formats/)."""
    from motorobs.io import formats
    from motorobs.landmarks import load_landmarks

    source = clip / "landmarks.parquet" if clip.is_dir() else clip
    try:
        written = formats.write(load_landmarks(source), output, to.value)
    except MotorobsError as exc:
        _fail(str(exc))
    out.print(f"wrote {written} ({to.value})", highlight=False, soft_wrap=True)


@app.command()
def report(
    results: Annotated[
        Path,
        typer.Argument(help="A results folder written by `motorobs analyze -o`."),
    ],
) -> None:
    """Rebuild every clip's report.html, index.html and summary.csv from the saved outputs
    (no video and no MediaPipe needed: works after the videos were moved or deleted)."""
    from motorobs.batch import rebuild_reports

    if not results.is_dir():
        err.print(f"[red]error:[/red] {results}: no such results folder; give the folder "
                  "that `motorobs analyze -o` wrote.", highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    with _user_errors_logged_to(results):
        rebuilt, problems = rebuild_reports(results)
    for _clip, message in problems:
        err.print(f"[red]failed:[/red] {message}", highlight=False, soft_wrap=True)
    out.print(f"{len(rebuilt)} report(s) rebuilt; open {results / 'index.html'}",
              highlight=False, soft_wrap=True)
    if problems:
        raise typer.Exit(1)


@contextmanager
def _user_errors_logged_to(output: Path) -> Iterator[Console]:
    """Log into ``output/run.log`` (MediaPipe's own messages too); a user mistake becomes
    one ``error:`` line and exit 2. Yields the console for progress bars."""
    output.mkdir(parents=True, exist_ok=True)
    with log_to_file(output / "run.log"), native_stderr_to(output / "run.log") as stream:
        console = Console(file=stream) if stream is not sys.stderr else err
        try:
            yield console
        except (MotorobsError, ValueError, FileNotFoundError) as exc:
            logger.error("%s", exc)
            console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None


def _collect_videos(inputs: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand folders into their videos; missing paths and empty folders become failures."""
    from motorobs.io.video import VIDEO_SUFFIXES, find_videos

    videos: list[Path] = []
    failures: list[tuple[str, str]] = []
    for path in inputs:
        if path.is_dir():
            found = find_videos(path)
            if not found:
                failures.append(
                    (path.name, f"{path}: no videos in this folder (looked for "
                     f"{', '.join(VIDEO_SUFFIXES)}).")
                )
            videos.extend(found)
        elif path.exists():
            videos.append(path)
        else:
            failures.append(
                (path.name, f"{path}: no such file or folder; check the path and try again.")
            )
    return videos, failures


def _installed_version(distribution: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


@app.command()
def info(model_dir: ModelDirOption = None) -> None:
    """Versions, and where the MediaPipe models are looked for and whether they are there."""
    import cv2
    import mediapipe
    import numpy
    import pandas
    import xarray

    from motorobs.pose.models import model_status

    table = Table(title="motorobs", show_header=False)
    for name, version in [
        ("motorobs", motorobs.__version__),
        ("python", platform.python_version()),
        ("mediapipe", mediapipe.__version__),
        ("opencv", cv2.__version__),
        ("numpy", numpy.__version__),
        ("pandas", pandas.__version__),
        ("xarray", xarray.__version__),
        ("ai-edge-litert", _installed_version("ai-edge-litert")
         or "not installed: hands are found with the slower full-frame finder"),
    ]:
        table.add_row(name, version)
    out.print(table)
    missing = False
    for status in model_status(model_dir):
        usable = status["found"] and status["valid"]
        missing |= not usable
        state = "ok" if usable else f"[red]{status.get('problem') or 'missing'}[/red]"
        out.print(
            f"{status['name']}: {state}\n  looked in ({status['origin']}): {status['folder']}",
            highlight=False,
            soft_wrap=True,
        )
    if missing:
        out.print(
            "Missing bundles are downloaded into the user cache on the first `motorobs analyze` "
            "(needs internet), or put them in a folder and pass --model-dir or set "
            "MOTOROBS_MODEL_DIR."
        )


@app.command()
def metrics() -> None:
    """List every metric motorobs computes, with its unit and definition."""
    from motorobs.metrics import metric_catalogue

    for row in metric_catalogue().itertuples():
        per_hand = ", per hand" if row.per_side else ""
        out.print(
            f"[bold]{row.metric}[/bold] ({row.unit}{per_hand}; postures: {row.postures}; "
            f"views: {row.views})\n  {row.definition}\n",
            highlight=False,
            soft_wrap=True,
        )


@app.command()
def trends(
    results: Annotated[
        Path, typer.Argument(help="A results folder written by `motorobs analyze -o`."),
    ],
    child_map: Annotated[
        Path, typer.Option("--child-map", help="CSV: clip, child, session_date, birth_date, "
                           "due_date (docs/trends.md)."),
    ],
    goals: Annotated[
        Path | None, typer.Option("--goals", help="CSV: child, activity (tummy_time), "
                                  "minutes_per_day."),
    ] = None,
    marks: Annotated[
        Path | None, typer.Option("--marks", help="CSV: clip, metric, side, reason, by, at: "
                                  "measurements marked untrustworthy."),
    ] = None,
) -> None:
    """Each child over time: trends.csv, flags.json and report.pdf in
    RESULTS/children/<child>/ (corrected age, headline metrics, flags to look at)."""
    from motorobs.trends.run import run_trends

    if not results.is_dir():
        err.print(f"[red]error:[/red] {results}: no such results folder; give the folder "
                  "that `motorobs analyze -o` wrote.", highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    try:
        summary = run_trends(results, child_map, goals, marks)
    except ImportError as exc:
        err.print(f"[red]error:[/red] the PDF report needs WeasyPrint ({exc}); install it with "
                  "`pip install weasyprint` (and the Pango library, e.g. Debian's "
                  "libpango-1.0-0 libpangoft2-1.0-0).", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except MotorobsError as exc:
        for line in str(exc).splitlines():
            err.print(f"[red]error:[/red] {line}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    for warning in summary.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False, soft_wrap=True)
    for child, folder, n_flags in summary.children:
        out.print(f"{child}: {n_flags} flag(s); {folder}", highlight=False, soft_wrap=True)


@app.command()
def validate(
    ctx: typer.Context,
    folder: Annotated[
        Path,
        typer.Argument(help="Folder of clips with ground-truth files (<clip>.events.json).",
                       exists=True, file_okay=False),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for results and scores.")
    ] = Path("validation"),
    model_dir: ModelDirOption = None,
    camera: CameraOption = CameraPosition.auto,
    config_file: ConfigOption = None,
) -> None:
    """Score motorobs against ground truth: event precision, recall and F1 per event type,
    onset error (s), head-lift angle error (degrees), hand-aperture error and posture
    agreement."""
    import json

    from motorobs.validation import validate_folder

    config = _settings(config_file, ctx, pose={"model_dir": model_dir},
                       signals={"camera": camera.value})
    with _user_errors_logged_to(output):
        scores, events, angles = validate_folder(folder, output, config)
    table = Table(title="events")
    for column in scores.columns:
        table.add_column(column)
    for row in scores.itertuples(index=False):
        table.add_row(*[f"{v:.3g}" if isinstance(v, float) else str(v) for v in row])
    out.print(table)
    measured = angles.dropna(axis=0, how="all", subset=angles.columns.drop("clip"))
    if not measured.empty:
        out.print("per clip (posture agreement; head-lift angle error, degrees; hand aperture: "
                  "share of frames seen, error in palm lengths):\n"
                  + measured.to_string(index=False), soft_wrap=True)
    pooled = json.loads((output / "validation.json").read_text())["angle_pooled"]
    if pooled.get("frames"):
        out.print(f"head-lift angle over {pooled['frames']} frames of {pooled['clips']} clips: "
                  f"median absolute error {pooled['median_abs_error_deg']:.1f} degrees")
    _print_bands(output)
    by_clip = events[events["outcome"].isin(["matched", "spurious"])].groupby("clip").size()
    out.print(f"detected events per clip:\n{by_clip.to_string()}" if len(by_clip) else
              "no events detected")
    out.print(f"scores written to {output}")


def _print_bands(output: Path) -> None:
    """The validation's scores per camera-elevation band (when the clips say their camera)."""
    import json

    payload = json.loads((output / "validation.json").read_text())
    rows = [r for r in payload.get("bands", []) if r.get("true") or r.get("detected")]
    if not rows:
        return
    table = Table(title="events per camera elevation (degrees from vertical: top 0-30, "
                        "oblique 30-60, low 60-90)")
    columns = ("band", "clips", "type", "true", "detected", "f1", "median_onset_error_s")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*[f"{row[c]:.3g}" if isinstance(row[c], float) else str(row[c])
                        for c in columns])
    out.print(table)
    for row in payload.get("band_postures", []):
        posture = row.get("posture_agreement")
        angle = row.get("angle_median_abs_error_deg")
        out.print(f"{row['band']}: {row['clips']} clip(s); posture agreement "
                  + (f"{posture:.0%} of {row['posture_frames']} frames" if posture is not None
                     else "not measured")
                  + (f"; head-lift angle error {angle:.1f} degrees (median, "
                     f"{row['angle_frames']} frames)" if angle is not None else ""))


@app.command("eval-pose")
def eval_pose(
    coco: Annotated[
        Path | None,
        typer.Option("--coco", help="COCO keypoint JSON (or a folder of them), e.g. SyRIP's."),
    ] = None,
    images: Annotated[
        Path | None,
        typer.Option("--images", help="Folder of the images named in --coco.", file_okay=False),
    ] = None,
    labelme: Annotated[
        Path | None,
        typer.Option("--labelme", help="Folder of labelme point files (NYCU 22-label format).",
                     file_okay=False),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the figures to this JSON file.")
    ] = None,
    model_dir: ModelDirOption = None,
) -> None:
    """Landmark accuracy on annotated infant images (PCK of torso size), motorobs' estimator
    next to plain MediaPipe; see docs/accuracy.md."""
    from motorobs.pose.evaluation import eval_pose_command

    status = eval_pose_command(coco, images, labelme, json_out, model_dir)
    if status:
        raise typer.Exit(status)


# --- the web app: `motorobs serve` and `motorobs users` (see docs/web.md) ----------------

DataDirOption = Annotated[
    Path,
    typer.Option("--data-dir", envvar="MOTOROBS_DATA_DIR",
                 help="The web app's data folder: database, uploaded videos, results."),
]
DbUrlOption = Annotated[
    str | None,
    typer.Option("--db-url", envvar="MOTOROBS_DB_URL",
                 help="Database URL, e.g. postgresql://user:password@host/motorobs (default: "
                 "SQLite in the data folder)."),
]


def _web():
    """The web app's modules, or a clear message when its extra is not installed."""
    try:
        from motorobs.web import server, settings
    except ImportError as exc:
        err.print(f'[red]error:[/red] the web app needs its extra: pip install "motorobs[web]" '
                  f"({exc}).", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    return server, settings


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    data_dir: DataDirOption = Path("motorobs-data"),
    db_url: DbUrlOption = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Clips analysed at once in worker "
                     "processes (default: the CPU cores less one)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", envvar="MOTOROBS_SCHEDULER",
                     help="Analyse on this Dask cluster (tcp://HOST:8786); the data folder "
                     "must be shared with its machines at the same path."),
    ] = None,
    max_upload_mb: Annotated[
        int, typer.Option("--max-upload-mb", min=1, help="Largest video file accepted (MB).")
    ] = 1024,
    delete_videos: Annotated[
        bool,
        typer.Option("--delete-videos-when-done", help="Delete each raw video once it is "
                     "analysed (its report and metrics stay)."),
    ] = False,
    model_dir: ModelDirOption = None,
    fps: Annotated[
        float | None,
        typer.Option("--fps", min=0, help="Analyse at most this many frames per second "
                     "(default 15; 0 = every frame)."),
    ] = None,
    ssl_certfile: Annotated[
        Path | None, typer.Option("--ssl-certfile", help="Serve HTTPS with this certificate.")
    ] = None,
    ssl_keyfile: Annotated[
        Path | None, typer.Option("--ssl-keyfile", help="The certificate's private key.")
    ] = None,
) -> None:
    """Start the therapists' web app (sign in, caseload, uploads, background analysis,
    reports). Add accounts first with `motorobs users add`."""
    server, web_settings = _web()
    from motorobs.web.db import DatabaseError

    pose: dict = {"model_dir": str(model_dir) if model_dir else None}
    if fps is not None:
        pose["analysis_fps"] = fps or None
    settings = web_settings.WebSettings(
        data_dir=data_dir, db_url=db_url, max_upload_bytes=max_upload_mb << 20,
        delete_videos_when_done=delete_videos, scheduler=scheduler,
        workers=workers or web_settings.default_workers(), analysis={"pose": pose})
    scheme = "https" if ssl_certfile else "http"
    out.print(f"motorobs web app on {scheme}://{host}:{port}/ (data in {settings.data_dir}); "
              "Ctrl-C stops it.", highlight=False, soft_wrap=True)
    try:
        server.serve(settings, host, port, ssl_certfile=str(ssl_certfile or "") or None,
                     ssl_keyfile=str(ssl_keyfile or "") or None)
    except DatabaseError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


users_app = typer.Typer(help="Accounts of the web app.", no_args_is_help=True)
app.add_typer(users_app, name="users")


def _read_password() -> str:
    """The new password: the first line of standard input when it is not a terminal (for
    scripts), else asked twice without echo."""
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        err.print("[red]error:[/red] the two passwords differ; nothing was changed.")
        raise typer.Exit(2)
    return first


def _web_accounts(data_dir: Path, db_url: str | None):
    """The web server module and the settings naming the accounts' database."""
    server, web_settings = _web()
    return server, web_settings.WebSettings(data_dir=data_dir, db_url=db_url, workers=1)


@contextmanager
def _account_errors() -> Iterator[None]:
    """A refused account change or an unreachable database: one ``error:`` line, exit 2."""
    from motorobs.web.accounts import AccountError
    from motorobs.web.db import DatabaseError
    from motorobs.web.security import PasswordRejected

    try:
        yield
    except (AccountError, PasswordRejected, DatabaseError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


class Role(str, Enum):
    therapist = "therapist"
    admin = "admin"


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="The new account's username.")],
    role: Annotated[Role, typer.Option("--role", help="therapist or admin.")] = Role.therapist,
    data_dir: DataDirOption = Path("motorobs-data"),
    db_url: DbUrlOption = None,
) -> None:
    """Add an account; the password is read from standard input when it is not a terminal."""
    server, settings = _web_accounts(data_dir, db_url)
    with _account_errors():
        name = server.add_user(settings, username, _read_password(), role.value)
    out.print(f"added {role.value} {name}", highlight=False)


@users_app.command("password")
def users_password(
    username: Annotated[str, typer.Argument(help="Whose password.")],
    data_dir: DataDirOption = Path("motorobs-data"),
    db_url: DbUrlOption = None,
) -> None:
    """Set a new password (read like `users add`'s) and sign the account out everywhere."""
    server, settings = _web_accounts(data_dir, db_url)
    with _account_errors():
        server.change_password(settings, username, _read_password())
    out.print(f"new password set for {username}", highlight=False)


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument(help="Whose token.")],
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "",
    data_dir: DataDirOption = Path("motorobs-data"),
    db_url: DbUrlOption = None,
) -> None:
    """Print a new personal API token (on the last line; it is shown only once)."""
    server, settings = _web_accounts(data_dir, db_url)
    with _account_errors():
        token = server.new_token(settings, username, label)
    out.print(f"New API token for {username} (send it as 'Authorization: Bearer TOKEN'; keep "
              "it secret, revoke it on the account page):", highlight=False, soft_wrap=True)
    print(token)


@users_app.command("list")
def users_list(
    data_dir: DataDirOption = Path("motorobs-data"),
    db_url: DbUrlOption = None,
) -> None:
    """List the accounts."""
    server, settings = _web_accounts(data_dir, db_url)
    with _account_errors():
        accounts = server.list_users(settings)
    for name, role, active in accounts:
        out.print(f"{name}\t{role}\t{'active' if active else 'disabled'}", highlight=False)
