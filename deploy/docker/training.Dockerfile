# syntax=docker/dockerfile:1
# The one-shot training job: trains every model and writes ONNX + manifest into
# the shared artifacts volume, which candidates, ranking and stream-processor read.
#   docker build -f deploy/docker/training.Dockerfile -t recsys/training .
#   docker run --rm -v recsys-artifacts:/artifacts recsys/training --data synthetic --out /artifacts/v1
# `--data synthetic` trains on the synthetic catalog; to train on MovieLens, mount it
# read-only and pass --data /data/ml-latest-small.

FROM python:3.11-slim AS build
# PyPI's Linux torch wheels pull several GB of CUDA libraries the CPU trainer never
# uses; the CPU index has the same release without them. Override to use PyPI.
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /src

# torch first, pinned to the version pyproject.toml names: the largest layer,
# rebuilt only when pyproject.toml changes.
COPY training/pyproject.toml training/pyproject.toml
RUN torch="$(sed -n 's/.*"\(torch==[^"]*\)".*/\1/p' training/pyproject.toml)" \
 && test -n "$torch" \
 && pip install "$torch" --index-url "$TORCH_INDEX"

# The manifest's Python module is generated from proto/ into the source tree
# (gen_proto finds proto/ two levels above the package) before the package is
# installed, so the installed package carries it. grpcio-tools is only needed here.
COPY proto proto
COPY training training
RUN pip install 'grpcio-tools>=1.66' \
 && PYTHONPATH=training/src python -m recsys_training.gen_proto \
 && pip install ./training \
 && pip uninstall -y grpcio-tools grpcio \
 && python -c "import recsys_training.gen.recsys.model.v1.manifest_pb2"

FROM python:3.11-slim AS runtime
# The wheels (torch, numpy, faiss-cpu) bundle their own OpenMP and BLAS.
COPY --from=build /opt/venv /opt/venv
# HOME and the matplotlib cache go to /tmp so the job runs on a read-only root filesystem.
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 HOME=/tmp MPLCONFIGDIR=/tmp/matplotlib
# An empty named volume mounted here takes this owner, so the job can write to it.
RUN mkdir /artifacts && chown 1000:1000 /artifacts
WORKDIR /tmp
USER 1000:1000
ENTRYPOINT ["python", "-m", "recsys_training.train"]
CMD ["--data", "synthetic", "--out", "/artifacts/latest"]
