"""Local features (ORB keypoints) and their geometric check: what survives crops, captions and frames."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

FEATURES = 300
# A query takes twice the keypoints of a reference on a finer grid: a crop, a screenshot or a caption band leaves
# only part of the frame to the registered picture, and that part must still hold enough of its points.
QUERY_FEATURES = 600
# A candidate is the same picture when this many of its keypoints that are the query's nearest in the whole
# index agree on one similarity transform (unrelated pictures reach 6 of them at most).
MIN_INLIERS = 10
_REPROJECTION = 0.012  # of the reference frame's longer side
_SCALES = (0.08, 12.0)
_GRID = 6  # cells per side for FEATURES keypoints; more keypoints take proportionally more cells


@dataclass(frozen=True)
class Keypoints:
    """Keypoint positions (n × 2, in the analysis frame) and their 32-byte ORB descriptors."""

    points: np.ndarray
    descriptors: np.ndarray

    def __len__(self) -> int:
        return len(self.points)


EMPTY = Keypoints(np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8))


def detect(gray: np.ndarray, features: int = FEATURES) -> tuple[Keypoints, Keypoints]:
    """ORB keypoints of `gray` and, computed at the mirrored positions, those of its mirror image."""
    orb = cv2.ORB_create(nfeatures=4 * features, scaleFactor=1.25, nlevels=6, edgeThreshold=15, patchSize=15,
                         fastThreshold=7)
    grid = max(_GRID, round(_GRID * (features / FEATURES) ** 0.5))
    found = _spread(orb.detect(gray, None), gray.shape, features, grid)
    found, descriptors = orb.compute(gray, found)
    if descriptors is None or not found:
        return EMPTY, EMPTY
    width = gray.shape[1]
    mirrored = [cv2.KeyPoint(width - 1 - k.pt[0], k.pt[1], k.size, (180.0 - k.angle) % 360.0, k.response, k.octave)
                for k in found]
    mirrored, mirror_descriptors = orb.compute(np.ascontiguousarray(gray[:, ::-1]), mirrored)
    return _pack(found, descriptors), _pack(mirrored or (), mirror_descriptors)


def _spread(found, shape: tuple[int, int], features: int, grid: int) -> list:
    """The strongest keypoints taken in turns from each grid cell, so that lettering cannot take them all."""
    height, width = shape
    ranked = sorted(found, key=lambda k: -k.response)
    turns: dict[tuple[int, int], int] = {}
    order = []
    for position, k in enumerate(ranked):
        cell = (min(grid - 1, int(k.pt[0] * grid / width)), min(grid - 1, int(k.pt[1] * grid / height)))
        turns[cell] = turns.get(cell, -1) + 1
        order.append((turns[cell], position))
    return [ranked[position] for _, position in sorted(order)[:features]]


def _pack(found, descriptors) -> Keypoints:
    if descriptors is None or not found:
        return EMPTY
    return Keypoints(np.array([k.pt for k in found], np.float32), np.ascontiguousarray(descriptors, np.uint8))


def agreeing(source: np.ndarray, target: np.ndarray, target_side: float) -> int:
    """How many correspondences (query point → reference point) fit one plausible similarity transform."""
    if len(source) < MIN_INLIERS:
        return 0
    transform, mask = cv2.estimateAffinePartial2D(source, target, method=cv2.RANSAC,
                                                  ransacReprojThreshold=_REPROJECTION * target_side,
                                                  maxIters=2000, confidence=0.999)
    if transform is None or mask is None:
        return 0
    scale = float(np.hypot(transform[0, 0], transform[1, 0]))
    if not _SCALES[0] <= scale <= _SCALES[1]:
        return 0
    # Count each reference point once: several query points collapsing onto one is no evidence.
    return len(np.unique(target[mask.ravel().astype(bool)], axis=0))
