//! The fixed texts of the window, one field each, so that a language is one value of
//! [`Texts`] (`en.rs`, `zh.rs`) and a missing translation does not compile. Texts with numbers
//! or names in them are sentences built by `Lang`'s methods instead.

/// Every fixed text of the window.
pub struct Texts {
    /// The window's title bar.
    pub window_title: &'static str,
    /// The line beside the name in the top bar.
    pub tagline: &'static str,
    /// The heading of the links box.
    pub urls_heading: &'static str,
    /// The grey hint inside the empty links box.
    pub urls_hint: &'static str,
    /// The label of the links box.
    pub urls_label: &'static str,
    /// The Import list… button.
    pub import: &'static str,
    /// Its tooltip.
    pub import_tip: &'static str,
    /// The name of the file type in the import dialog.
    pub link_lists: &'static str,
    /// The Clear button.
    pub clear: &'static str,
    /// Its tooltip.
    pub clear_tip: &'static str,
    /// The heading of the folder section.
    pub save_to: &'static str,
    /// The label of the folder field.
    pub folder_label: &'static str,
    /// The Choose… button.
    pub choose: &'static str,
    /// Its tooltip.
    pub choose_tip: &'static str,
    /// The Open folder button.
    pub open_folder: &'static str,
    /// Its tooltip.
    pub open_folder_tip: &'static str,
    /// Said after the path of a folder that does not exist.
    pub folder_missing: &'static str,
    /// Shown while the save folder is being checked before a run.
    pub checking_folder: &'static str,
    /// Asked for when the folder field is empty.
    pub folder_not_chosen: &'static str,
    /// The heading of the mode section.
    pub mode_heading: &'static str,
    /// The sequential mode's name.
    pub mode_sequential: &'static str,
    /// The submit mode's name.
    pub mode_submit: &'static str,
    /// The map mode's name.
    pub mode_map: &'static str,
    /// What the sequential mode does, under its name.
    pub mode_sequential_explain: &'static str,
    /// What the submit mode does.
    pub mode_submit_explain: &'static str,
    /// What the map mode does.
    pub mode_map_explain: &'static str,
    /// What the person will see in the sequential mode (its tooltip).
    pub mode_sequential_tip: &'static str,
    /// What the person will see in the submit mode.
    pub mode_submit_tip: &'static str,
    /// What the person will see in the map mode.
    pub mode_map_tip: &'static str,
    /// The label of the Workers slider.
    pub workers: &'static str,
    /// Its tooltip.
    pub workers_tip: &'static str,
    /// Its tooltip while it is disabled (sequential mode).
    pub workers_sequential: &'static str,
    /// The label of the Retries slider.
    pub retries: &'static str,
    /// Its tooltip.
    pub retries_tip: &'static str,
    /// The checksum switch.
    pub checksums: &'static str,
    /// Its tooltip.
    pub checksums_tip: &'static str,
    /// The switch that expands numbered ranges like `photo[001-120].jpg`.
    pub ranges: &'static str,
    /// What the ranges switch does.
    pub ranges_tip: &'static str,
    /// The From a web page… button.
    pub from_page: &'static str,
    /// Its tooltip.
    pub from_page_tip: &'static str,
    /// The dialog's title.
    pub page_title: &'static str,
    /// The label of the page's address box.
    pub page_address: &'static str,
    /// The button that reads the page.
    pub page_read: &'static str,
    /// Said while the page is read.
    pub page_reading: &'static str,
    /// The label of the pattern box.
    pub page_pattern: &'static str,
    /// The pattern box's tooltip.
    pub page_pattern_tip: &'static str,
    /// The switch for links on the same site only.
    pub page_same_site: &'static str,
    /// The switch that ticks the other links.
    pub page_invert: &'static str,
    /// The dialog's Close button.
    pub page_close: &'static str,
    /// The Start button.
    pub start: &'static str,
    /// Its tooltip.
    pub start_tip: &'static str,
    /// The Cancel button.
    pub cancel: &'static str,
    /// Its tooltip.
    pub cancel_tip: &'static str,
    /// The Cancel button once pressed, while the run winds down.
    pub cancelling: &'static str,
    /// The tooltip of the Retry button (its text is `Lang::retry_not_downloaded`).
    pub retry_failed_tip: &'static str,
    /// Why Start is disabled with no link.
    pub nothing_to_do: &'static str,
    /// Why Start is disabled during a run.
    pub running: &'static str,
    /// The Downloads tab.
    pub tab_downloads: &'static str,
    /// The Results tab.
    pub tab_results: &'static str,
    /// The Charts tab.
    pub tab_charts: &'static str,
    /// The title of the downloads list's index column.
    pub col_index: &'static str,
    /// The file column.
    pub col_name: &'static str,
    /// The status column.
    pub col_status: &'static str,
    /// The size column.
    pub col_size: &'static str,
    /// The progress column.
    pub col_progress: &'static str,
    /// The time column.
    /// The title of the column of each file's speed.
    pub col_speed: &'static str,
    /// Under the list: what clicking a row shows there.
    pub details_hint: &'static str,
    pub col_time: &'static str,
    /// The worker column.
    pub col_worker: &'static str,
    /// A row waiting for a worker.
    pub status_queued: &'static str,
    /// A row being downloaded; also the timeline's legend for running downloads.
    pub status_downloading: &'static str,
    /// A complete row that map mode holds back until the rows before it are reported.
    pub status_waiting: &'static str,
    /// After a held file's outcome (not done): it waits for the files before it.
    pub waiting_for_earlier: &'static str,
    /// The word for a complete item (see `Lang::outcome`).
    pub status_done: &'static str,
    /// The word for a failed item.
    pub status_failed: &'static str,
    /// The word for a cancelled item.
    pub status_cancelled: &'static str,
    /// The tooltip of a finished row.
    pub row_tip: &'static str,
    /// Shown before the first run.
    pub no_run_yet: &'static str,
    /// The line above the results (the mode's name follows it).
    pub results_intro: &'static str,
    /// Before the run's total time; also the comparison's legend for it.
    pub total_time: &'static str,
    /// Before the elapsed time in the progress bar.
    pub elapsed: &'static str,
    /// After the time left in the progress bar.
    pub eta: &'static str,
    /// The Export CSV button.
    pub export_csv: &'static str,
    /// Its tooltip.
    pub export_csv_tip: &'static str,
    /// The Export JSON button.
    pub export_json: &'static str,
    /// Its tooltip.
    pub export_json_tip: &'static str,
    /// The tooltip of the export buttons before the run has finished.
    pub export_when_finished: &'static str,
    /// The Reset zoom button.
    pub reset_zoom: &'static str,
    /// Its tooltip.
    pub reset_zoom_tip: &'static str,
    /// The Save chart as PNG button.
    pub save_png: &'static str,
    /// Its tooltip.
    pub save_png_tip: &'static str,
    /// The timeline's title.
    pub timeline_title: &'static str,
    /// The timeline's horizontal axis.
    pub timeline_x: &'static str,
    /// The timeline's vertical axis.
    pub timeline_y: &'static str,
    /// The legend of the faded parts of the timeline's bars.
    pub legend_waiting: &'static str,
    /// Added to a bar's tooltip on its faded part.
    pub waiting_for_server: &'static str,
    /// The completion-order chart's title.
    pub order_title: &'static str,
    /// Its horizontal axis.
    pub order_x: &'static str,
    /// Its vertical axis.
    pub order_y: &'static str,
    /// The legend of its diagonal.
    pub legend_input_order: &'static str,
    /// The legend of the order results were reported in.
    pub legend_reported: &'static str,
    /// The legend of the order downloads finished in (map mode).
    pub legend_finished: &'static str,
    /// The run comparison's title.
    pub comparison_title: &'static str,
    /// Its horizontal axis.
    pub comparison_x: &'static str,
    /// Its vertical axis.
    pub comparison_y: &'static str,
    /// The legend of the ideal times (a lower bound: see `stats::Ideal`).
    pub legend_ideal_time: &'static str,
    /// Under a cancelled run's bar in the comparison.
    pub run_cancelled: &'static str,
    /// The legend of the comparison's cancelled runs.
    pub legend_cancelled_run: &'static str,
    /// The label of the language switch.
    pub language: &'static str,
    /// Its tooltip.
    pub language_tip: &'static str,
    /// The title of the question asked when the window is closed during a run.
    pub close_title: &'static str,
    /// The question.
    pub close_body: &'static str,
    /// The answer that quits (keeping the list).
    pub close_cancel_and_quit: &'static str,
    /// The answer that keeps the window.
    pub close_keep: &'static str,
    /// Shown while files are dragged over the window.
    pub drop_hint: &'static str,
    /// Said when the chart picture could not be made.
    pub could_not_encode: &'static str,
    /// The end of a sentence.
    pub full_stop: &'static str,
    /// The status of a file that was already in the folder.
    pub status_skipped: &'static str,
    // Charts at scale
    /// The title of the held-back chart (map mode).
    pub held_back_title: &'static str,
    /// Its left plot's vertical axis (its horizontal one is `order_x`).
    pub held_back_y: &'static str,
    /// The legend of its bars when each is one item.
    pub legend_held_back: &'static str,
    /// The legend of the longest time held back in a group of items.
    pub legend_held_back_longest: &'static str,
    /// The legend of the average time held back in a group of items.
    pub legend_held_back_mean: &'static str,
    /// Its right plot's vertical axis (its horizontal one is `timeline_x`).
    pub waiting_y: &'static str,
    /// The legend of the number of finished results waiting to be reported.
    pub legend_waiting_results: &'static str,
    /// The title of the chart of moves (submit mode).
    pub moved_title: &'static str,
    /// Its left plot's vertical axis (its horizontal one is `order_x`).
    pub moved_places: &'static str,
    /// Its right plot's horizontal axis: the bins of the histogram of moves.
    pub moved_bins: &'static str,
    /// Its right plot's vertical axis.
    pub moved_results: &'static str,
    /// The legend of the results reported before their place in the list.
    pub legend_moved_earlier: &'static str,
    /// The legend of the results reported after their place in the list.
    pub legend_moved_later: &'static str,
    /// The legend of the pieces of files fetched over several connections (one colour each).
    pub legend_pieces: &'static str,
    // Per-file control
    /// A row the person paused.
    pub status_paused: &'static str,
    /// The title of the rows' actions column.
    pub col_actions: &'static str,
    /// The Pause action of a row (its menu entry).
    pub action_pause: &'static str,
    /// Its tooltip.
    pub action_pause_tip: &'static str,
    /// The Resume action of a row.
    pub action_resume: &'static str,
    /// Its tooltip.
    pub action_resume_tip: &'static str,
    /// The Cancel action of a row.
    pub action_cancel: &'static str,
    /// Its tooltip.
    pub action_cancel_tip: &'static str,
    /// The Retry action of a row.
    pub action_retry: &'static str,
    /// Its tooltip.
    pub action_retry_tip: &'static str,
    /// The Change address… action of a row.
    pub action_change_address: &'static str,
    /// Its tooltip.
    pub action_change_address_tip: &'static str,
    /// The label of the new address field in its dialog.
    pub new_address_label: &'static str,
    /// Said under a new address that is not a web address.
    pub new_address_invalid: &'static str,
    /// The dialog's button that continues from the new address.
    pub new_address_ok: &'static str,
    /// The dialog's button that closes it without a change.
    pub new_address_keep: &'static str,
    /// The Remove action of a row.
    pub action_remove: &'static str,
    /// Its tooltip.
    pub action_remove_tip: &'static str,
    /// The Open its folder action of a row.
    pub action_open_folder: &'static str,
    /// Its tooltip.
    pub action_open_folder_tip: &'static str,
    /// The Move up action of a waiting row.
    pub action_move_up: &'static str,
    /// Its tooltip.
    pub action_move_up_tip: &'static str,
    /// The Move down action of a waiting row.
    pub action_move_down: &'static str,
    /// Its tooltip.
    pub action_move_down_tip: &'static str,
    /// The Move to the top action of a waiting row.
    pub action_move_top: &'static str,
    /// Its tooltip.
    pub action_move_top_tip: &'static str,
    /// The tooltip of a row: how to select rows and what the keys do.
    pub rows_tip: &'static str,
    /// The Pause all button.
    pub pause_all: &'static str,
    /// Its tooltip.
    pub pause_all_tip: &'static str,
    /// The Resume all button.
    pub resume_all: &'static str,
    /// Its tooltip.
    pub resume_all_tip: &'static str,
    /// The Add to the run button (the count of new links follows it).
    pub add_to_run: &'static str,
    /// Its tooltip.
    pub add_to_run_tip: &'static str,
    /// Why Add to the run is disabled.
    pub no_new_links: &'static str,
    /// Import list… without any file dialog: drop the file or paste its links.
    pub no_file_dialog: &'static str,
    /// The title of Import list…'s dialog.
    pub import_title: &'static str,
    /// The tooltip of the Continue button of a restored list (its text is
    /// `Lang::continue_unfinished`).
    pub continue_tip: &'static str,
    /// Start, while a list with unfinished files can be continued.
    pub start_anew: &'static str,
    /// Its tooltip.
    pub start_anew_tip: &'static str,
    /// The line under the buttons that tells Continue and Start anew apart.
    pub continue_or_anew: &'static str,
    /// Said above a list restored from last time.
    pub restored_note: &'static str,
    /// The label of the choice for files already in the folder.
    pub existing_label: &'static str,
    /// Its first choice.
    pub existing_skip: &'static str,
    /// Its second choice.
    pub existing_keep_both: &'static str,
    /// Its tooltip.
    pub existing_tip: &'static str,
    /// The label of the speed limit field.
    pub rate_label: &'static str,
    /// The grey hint in the empty speed limit field.
    pub rate_hint: &'static str,
    /// Its tooltip.
    pub rate_tip: &'static str,
    /// Said under a speed limit that cannot be read.
    pub rate_invalid: &'static str,
    /// The label of the Connections per file slider.
    pub split_label: &'static str,
    /// Its tooltip.
    pub split_tip: &'static str,
    /// Its tooltip while it is disabled (sequential mode).
    pub split_sequential: &'static str,
    /// "Connections per server" setting.
    pub per_host_label: &'static str,
    /// Its tooltip.
    pub per_host_tip: &'static str,
    /// The setting that starts links handed over (by the browser, another start) at once.
    pub start_handed: &'static str,
    /// Its tooltip.
    pub start_handed_tip: &'static str,
    /// The button that writes the browsers' native-messaging manifests.
    pub browser_integration: &'static str,
    /// Its tooltip.
    pub browser_integration_tip: &'static str,
    /// Said when no browser was found to set up.
    pub no_browser_found: &'static str,
    /// The heading of the Network section (proxy and how the sites see Downpour).
    pub network_heading: &'static str,
    /// The label of the proxy choice.
    pub proxy_label: &'static str,
    /// Its first choice: the system's proxy.
    pub proxy_system: &'static str,
    /// Its second choice: no proxy.
    pub proxy_none: &'static str,
    /// Its third choice: the proxy typed beside it.
    pub proxy_manual: &'static str,
    /// The tooltip of the proxy choice.
    pub proxy_tip: &'static str,
    /// The grey hint in the empty proxy field.
    pub proxy_hint: &'static str,
    /// Said under a proxy that cannot be read.
    pub proxy_invalid: &'static str,
    /// Why Start waits: a proxy or page in the Network section cannot be read.
    pub network_invalid: &'static str,
    /// The label of the hosts that bypass the proxy.
    pub bypass_label: &'static str,
    /// The grey hint in its empty field.
    pub bypass_hint: &'static str,
    /// The switch for a web browser's User-Agent.
    pub browser_like: &'static str,
    /// Its tooltip.
    pub browser_like_tip: &'static str,
    /// The label of the page the links came from (Referer).
    pub referer_label: &'static str,
    /// The grey hint in its empty field.
    pub referer_hint: &'static str,
    /// Its tooltip.
    pub referer_tip: &'static str,
    /// Said under a page that is not a web address.
    pub referer_invalid: &'static str,
    /// The label of the cookies file.
    pub cookies_label: &'static str,
    /// The grey hint in its empty field.
    pub cookies_hint: &'static str,
    /// Its tooltip.
    pub cookies_tip: &'static str,
    /// The heading of the section with the settings most people leave alone.
    pub advanced: &'static str,
    /// Its tooltip.
    pub advanced_tip: &'static str,
    /// Why a file stays on one connection: sequential mode.
    pub one_sequential: &'static str,
    /// Why: one connection per file was chosen.
    pub one_split_off: &'static str,
    /// Why: the file is small.
    pub one_too_small: &'static str,
    /// Why: no size given.
    pub one_unknown_size: &'static str,
    /// Why: no ranges.
    pub one_no_ranges: &'static str,
    /// Why: no version.
    pub one_no_version: &'static str,

    // Folder picker, first run, About
    /// The folder browser's title, and the title of the system's folder dialog.
    pub browse_title: &'static str,
    /// The browser's Up button.
    pub browse_up: &'static str,
    /// Its tooltip.
    pub browse_up_tip: &'static str,
    /// The browser's Home button.
    pub browse_home: &'static str,
    /// Its tooltip.
    pub browse_home_tip: &'static str,
    /// The browser's Downloads button.
    pub browse_downloads: &'static str,
    /// Its tooltip.
    pub browse_downloads_tip: &'static str,
    /// The browser's New folder… button.
    pub browse_new_folder: &'static str,
    /// Its tooltip.
    pub browse_new_folder_tip: &'static str,
    /// The label of the browser's path field.
    pub browse_path: &'static str,
    /// Its tooltip.
    pub browse_path_tip: &'static str,
    /// Shown while a folder is being read.
    pub browse_loading: &'static str,
    /// Shown for a folder with no folders in it.
    pub browse_no_folders: &'static str,
    /// The label of the new folder's name field.
    pub browse_new_name: &'static str,
    /// The button that makes the new folder.
    pub browse_create: &'static str,
    /// Why a name cannot be a folder's.
    pub browse_bad_name: &'static str,
    /// The browser's Choose this folder button.
    pub browse_choose: &'static str,
    /// Its tooltip.
    pub browse_choose_tip: &'static str,
    /// The browser's Cancel button.
    pub browse_cancel: &'static str,
    /// The heading of the Downloads tab before the first run.
    pub welcome_title: &'static str,
    /// The first step's name.
    pub welcome_paste: &'static str,
    /// What to do in it.
    pub welcome_paste_body: &'static str,
    /// The second step's name.
    pub welcome_folder: &'static str,
    /// What to do in it.
    pub welcome_folder_body: &'static str,
    /// The third step's name.
    pub welcome_start: &'static str,
    /// What to do in it, and what follows.
    pub welcome_start_body: &'static str,
    /// What the picture of a finished run shows, for screen readers.
    pub welcome_picture: &'static str,
    /// The top bar's About button.
    pub about: &'static str,
    /// Its tooltip.
    pub about_tip: &'static str,
    /// What Downpour is, in the About dialog.
    pub about_what: &'static str,
    /// What the window is, beside the command line.
    pub about_window: &'static str,
    /// Before the project's address.
    pub about_project: &'static str,
    /// The About dialog's Close button.
    pub about_close: &'static str,
    /// The login dialog's name (for screen readers).
    pub login_title: &'static str,
    /// The label of its user name field.
    pub login_user: &'static str,
    /// The label of its password field.
    pub login_password: &'static str,
    /// Its button that sends the login.
    pub login_ok: &'static str,
    /// Its button that declines (the site's files fail as refused).
    pub login_cancel: &'static str,
}
