"""The floor every start-up figure is measured against: a bare PySide6 window, shown and
painted, then the process exits (DESIGN.md §10: about 80 ms and 48 MB offscreen here)."""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication(sys.argv)
label = QLabel("Xin chào")
label.resize(1366, 768)
label.show()
label.repaint()  # force the first paint before we call it shown
QTimer.singleShot(0, app.quit)
app.exec()
