;;; emacs_e2e.el --- the README's eglot snippet in a real Emacs, in batch  -*- lexical-binding: t -*-
;; Loaded after the snippet (emacs-e2e.sh extracts it from editors/README.md), with the
;; server's folder first on PATH. Opens POLICY_SAMPLE, breaks a bracket, waits for the flymake
;; error, reads a hover, fixes the bracket and waits for the error to go.

(require 'cl-lib)
(require 'flymake)

(defvar e2e-passed 0)
(defvar e2e-failed 0)
(defvar e2e-label (format "emacs %s, eglot" emacs-version))

(defun e2e-out (fmt &rest args)
  (princ (concat (apply #'format fmt args) "\n")))  ; stdout in batch

(defmacro e2e-check (name &rest body)
  (declare (indent 1))
  `(condition-case err
       (progn ,@body
              (setq e2e-passed (1+ e2e-passed))
              (e2e-out "ok - %s: %s" e2e-label ,name))
     (error (setq e2e-failed (1+ e2e-failed))
            (e2e-out "not ok - %s: %s: %s" e2e-label ,name (error-message-string err)))))

(defun e2e-wait (seconds what pred)
  "Let processes and timers run until PRED holds, or fail after SECONDS naming WHAT.
Batch Emacs has no command loop and is never idle, so what a user's keystrokes and pauses
would run is run here: post-command-hook (eglot-ensure connects) and the idle timers
(eglot sends the changes, flymake starts a check)."
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (run-hooks 'post-command-hook)
      (dolist (timer (copy-sequence timer-idle-list))
        (timer-event-handler timer))
      (accept-process-output nil 0.05))
    (unless (funcall pred)
      (error "timed out waiting for %s" what))))

(defun e2e-errors ()
  "Flymake's error diagnostics; eglot gives them its own type, `eglot-error'."
  (cl-remove-if-not (lambda (d) (memq (flymake-diagnostic-type d) '(:error eglot-error)))
                    (flymake-diagnostics)))

;; The sample's line 16: `…京东<账户名>、<密码>、您本人的<手机号码>…`
(let (opener closer)
  (e2e-check "*.policy opens in policy-mode and eglot connects"
    (find-file (getenv "POLICY_SAMPLE"))
    (unless (eq major-mode 'policy-mode) (error "major mode is %s" major-mode))
    (e2e-wait 20 "eglot to connect" (lambda () (and (eglot-current-server) eglot--managed-mode))))

  (e2e-check "deleting a `>` gives a flymake error at its `<`"
    (goto-char (point-min))
    (forward-line 15)
    (setq opener (search-forward "<账户名>" (line-end-position))
          opener (- opener (length "<账户名>"))
          closer (+ opener (length "<账户名")))
    (goto-char closer)
    (delete-char 1)
    (e2e-wait 20 "a flymake error" (lambda () (e2e-errors)))
    (let ((d (car (e2e-errors))))
      (unless (= (flymake-diagnostic-beg d) opener)
        (error "error at %s, want %s: %s" (flymake-diagnostic-beg d) opener (flymake-diagnostic-text d)))
      (e2e-out "# %s flymake: %s" e2e-label (flymake-diagnostic-text d))))

  (e2e-check "hover on a sensitive data item states its classification"
    (goto-char (+ closer (length "、<密")))
    (let* ((hover (jsonrpc-request (eglot-current-server) :textDocument/hover
                                   (eglot--TextDocumentPositionParams)))
           (contents (plist-get hover :contents))
           (text (if (stringp contents) contents (format "%s" (plist-get contents :value)))))
      (e2e-out "# %s hover: %s" e2e-label (car (split-string text "\n" t)))
      (unless (string-match-p "个人敏感信息" text) (error "hover: %s" text))))

  (e2e-check "retyping the `>` clears the error"
    (goto-char closer)
    (insert ">")
    (e2e-wait 20 "no flymake errors" (lambda () (null (e2e-errors))))))

(e2e-out "%s: %d passed, %d failed" e2e-label e2e-passed e2e-failed)
(kill-emacs (if (> e2e-failed 0) 1 0))
